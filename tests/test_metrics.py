"""Clinical F1 on crafted pairs whose answer was worked out by hand, and the metric registry's coverage of every task."""
import pytest
from radphi2.metrics import METRICS, score
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
            assert m in METRICS, (name, m)
            s = score(m, ['Small left effusion.', ''], ['Small left pleural effusion.', 'Normal.'])
            assert len(s) == 2 and all(isinstance(x, float) for x in s), (name, m, s)

def test_score_refuses_mismatched_lengths_and_unknown_metrics():
    with pytest.raises(ValueError, match='2 predictions but 1 references'): score('rougeL', ['a', 'b'], ['a'])
    with pytest.raises(KeyError, match='unknown metric'): score('bertscore-large', ['a'], ['a'])
