"""Clinical F1 on crafted pairs whose answer was worked out by hand, and the metric registry's coverage of every task."""
import pytest
from radphi2.metrics import CORPUS_METRICS, METRICS, MODEL_METRICS, metric_stats, metric_value, score
from radphi2.tasks import TASKS

# (prediction, reference, expected CheXpert F1, why): uncertain counts as positive; No Finding counts; devices are Support Devices.
CRAFTED = [
    ('Small left pleural effusion.', 'Small left pleural effusion.', 1.0, 'identical finding'),
    ('No pleural effusion.', 'Small left pleural effusion.', 0.0, 'negated vs positive: No Finding vs Pleural Effusion'),
    ('No acute cardiopulmonary process.', 'Normal chest radiograph.', 1.0, 'two normals: both No Finding'),
    ('No pneumothorax. No effusion.', 'Lungs are clear.', 1.0, 'negations only: both No Finding'),
    ('Possible right lower lobe pneumonia.', 'Right lower lobe pneumonia.', 1.0, 'uncertain counts as positive'),
    ('Pneumonia cannot be excluded.', 'No pneumonia.', 0.0, 'uncertain vs negated'),
    ('Endotracheal tube in standard position.', 'ET tube terminates 4 cm above the carina.', 1.0, 'device only on both: Support Devices'),
    ('Endotracheal tube in standard position.', 'No acute process.', 2 / 3, 'device-only vs normal: {No Finding, Support Devices} vs {No Finding} (a device is not a pathology)'),
    ('Cardiomegaly and pulmonary edema.', 'Cardiomegaly.', 2 / 3, 'one extra finding: P=1/2, R=1'),
    ('Cardiomegaly.', 'Cardiomegaly, edema and bilateral effusions.', 0.5, 'two missed findings: P=1, R=1/3'),
    ('Moderate cardiomegaly. No effusion.', 'The heart is enlarged. No pleural effusion.', 1.0, 'same findings, other words'),
    ('Left basilar atelectasis versus pneumonia.', 'Left basilar atelectasis.', 2 / 3, 'hedged differential adds Pneumonia (uncertain)'),
]

@pytest.mark.parametrize('pred,ref,expected,why', CRAFTED, ids=[c[3] for c in CRAFTED])
def test_chexpert_f1_on_crafted_pairs(pred, ref, expected, why):
    assert score('chexpert_f1', [pred], [ref])[0] == pytest.approx(expected), why

def test_every_tasks_metrics_are_registered_and_score():
    for name, task in TASKS.items():
        for m in task.metrics:
            if m in MODEL_METRICS: continue                     # need a model folder: tests/test_evaluate.py
            assert m in METRICS or m in CORPUS_METRICS, (name, m)
            st, agg = metric_stats(m, ['Small left effusion.', ''], ['Small left pleural effusion.', 'Normal.'])
            v = float(agg(st.sum(0), len(st)))
            assert len(st) == 2 and 0 <= v <= (10 if m.startswith('length') else 1), (name, m, v)

# Corpus-level CheXpert F1 over a small crafted set, worked by hand (classes: positive or uncertain).
#   1: pred {Cardiomegaly, Pleural Effusion}  ref {Cardiomegaly}        -> Cardiomegaly tp, Effusion fp
#   2: pred {No Finding}                      ref {Pleural Effusion}    -> No Finding fp, Effusion fn
#   3: pred {Edema}                           ref {Edema, Atelectasis}  -> Edema tp, Atelectasis fn
CORPUS = (['Cardiomegaly. Small right pleural effusion.', 'No acute process.', 'Mild pulmonary edema.'],
          ['Cardiomegaly.', 'Small left pleural effusion.', 'Pulmonary edema and bibasilar atelectasis.'])

def test_corpus_chexpert_f1_micro_and_macro_by_hand():
    # 14 classes: tp 2, fp 2, fn 2 -> micro 4/8; per class F1: Cardiomegaly 1, Edema 1, Effusion 0, No Finding 0, Atelectasis 0 -> macro 2/5
    assert metric_value('chexpert_micro_f1_14', *CORPUS) == pytest.approx(0.5)
    assert metric_value('chexpert_macro_f1_14', *CORPUS) == pytest.approx(0.4)
    # 5 common: No Finding leaves; tp 2, fp 1, fn 2 -> micro 4/7; macro over Cardiomegaly, Edema, Effusion, Atelectasis = 2/4
    assert metric_value('chexpert_micro_f1_5', *CORPUS) == pytest.approx(4 / 7)
    assert metric_value('chexpert_macro_f1_5', *CORPUS) == pytest.approx(0.5)

def test_macro_f1_punishes_the_majority_answer_that_accuracy_rewards():
    refs = ['Abnormal'] * 9 + ['Normal']
    assert metric_value('accuracy', ['Abnormal'] * 10, refs) == pytest.approx(0.9)
    assert metric_value('macro_f1', ['Abnormal'] * 10, refs) == pytest.approx((2 * 9 / (2 * 9 + 1) + 0) / 2)

def test_score_refuses_mismatched_lengths_and_unknown_metrics():
    with pytest.raises(ValueError, match='2 predictions but 1 references'): score('rougeL', ['a', 'b'], ['a'])
    with pytest.raises(KeyError, match='unknown metric'): score('bertscore-large', ['a'], ['a'])
