"""The papermill chain end to end on the tiny profile: outputs, manifest, skipping, locks and failures."""
import json, os, shutil, socket, subprocess, sys
from pathlib import Path
import pytest
from conftest import radphi2, ROOT

STAGES = ['curate', 'pretrain', 'train', 'infer', 'evaluate', 'paper']

def test_run_folder_holds_every_output(tiny_run):
    out, _, _ = tiny_run
    for nb in ('s1_curate', 's2_pretrain', 's3_train', 's4_infer', 's5_evaluate', 's9_paper'):
        nbj = json.loads((out / 'notebooks' / f'{nb}.ipynb').read_text())
        assert any(c.get('outputs') for c in nbj['cells'] if c['cell_type'] == 'code'), f'{nb} was not executed'
    assert (out / 'data/reports/dataset/dataset_dict.json').exists() and (out / 'data/qa/dataset/dataset_dict.json').exists()
    qa = json.loads((out / 'data/qa/card.json').read_text())
    assert sum(qa['pairs'].values()) >= 250 and qa['systems'] >= 12
    assert set(qa['question_types']) == {'symptoms', 'appearance', 'differential', 'prognosis', 'treatment'}
    assert (out / 'data/qa/qa_pairs.png').read_bytes()[:4] == b'\x89PNG'
    train = {json.loads(l)['article_id'] for l in (out / 'data/qa/train.jsonl').read_text().splitlines()}
    test = {json.loads(l)['article_id'] for l in (out / 'data/qa/test.jsonl').read_text().splitlines()}
    assert train and test and not train & test
    assert (out / 'data/reports/train.jsonl').stat().st_size > 0
    rc = json.loads((out / 'data/reports/card.json').read_text())          # Rad-Phi2's data: seven report tasks plus the general mix
    tasks = {'impression', 'abnormal_findings', 'normal_abnormal', 'pathology_tags', 'devices', 'section_extraction', 'change_summary', 'general'}
    assert set(rc['examples']['train']) == tasks and all(rc['examples']['test'].get(t) for t in tasks - {'general'})
    assert rc['labels_from'] == {'truth': 500} and 0.4 < rc['abnormal_fraction'] < 0.85
    assert all((out / 'data/reports' / f).read_bytes()[:4] == b'\x89PNG' for f in ('label_prevalence.png', 'lengths.png'))
    assert (out / 'data/reports/tasks/change_summary.jsonl').stat().st_size > 0
    ex = [json.loads(l) for l in (out / 'data/reports/train.jsonl').read_text().splitlines()]
    assert set(ex[0]) >= {'id', 'report_id', 'patient_id', 'task', 'instruction', 'input', 'output', 'source', 'split'}
    pat = {}
    for split in ('train', 'validation', 'test'):
        for l in (out / 'data/reports' / f'{split}.jsonl').read_text().splitlines():
            e = json.loads(l)
            if e['patient_id']: pat.setdefault(e['patient_id'], set()).add(split)
    assert all(len(v) == 1 for v in pat.values())                                     # no patient straddles splits
    assert (out / 'models/tiny-base/model.safetensors').exists()
    assert (out / 'models/radphi2/model.safetensors').exists() and (out / 'models/radphi2/recipe.yaml').exists()
    for system in ('base', 'radphi2', 'radphi2-base'):
        for task in ('impression', 'normal_abnormal', 'qa'):
            assert (out / 'predictions' / system / f'{task}.jsonl').stat().st_size > 0
    for m in ('radphi2', 'radphi2-base'):
        for f in ('model.safetensors', 'README.md', 'training_curves.png', 'recipe.yaml', 'generation_config.json'):
            assert (out / 'models' / m / f).exists(), (m, f)
        assert list((out / 'models' / m / 'logs').rglob('events.out.tfevents*')), m                  # TensorBoard
    assert (out / 'metrics/metrics.json').exists()
    systems = {r['system'] for r in json.loads((out / 'metrics/metrics.json').read_text())}
    assert {'base', 'radphi2', 'radphi2-base', 'retrieval', 'lead', 'majority'} <= systems, systems      # models and offline baselines
    for t in ('results.md', 'tasks.md', 'qa.md'): assert (out / 'tables' / t).read_text().startswith('| task | metric | n | radphi2-base | radphi2 | base'), t
    assert '| organ system (rougeL) |' in (out / 'tables/qa_by_system.md').read_text()
    for f in ('tasks.png', 'qa_by_system.png'): assert (out / 'figures' / f).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', f
    paired = json.loads((out / 'metrics/paired.json').read_text())
    assert {(r['system'], r['baseline']) for r in paired} >= {('radphi2', b) for b in ('base', 'retrieval', 'lead', 'majority')}
    assert all({'delta', 'ci_low', 'ci_high', 'p', 'n'} <= set(r) for r in paired)
    skipped = {s['metric']: s['reason'] for s in json.loads((out / 'metrics/skipped.json').read_text())}
    assert 'no encoder' in skipped['bertscore'] and 'judge' in skipped                      # said, not silently missing
    assert (out / 'examples.md').read_text().count('**Reference**') >= 3
    report = (out / 'report.md').read_text()
    assert '(figures/tasks.png)' in report and '(figures/qa_by_system.png)' in report and 'By organ system and question type' in report
    assert 'paired-bootstrap 95% interval' in report and (out / 'report.html').stat().st_size > 10_000

def test_manifest_records_the_run(tiny_run):
    out, _, _ = tiny_run
    m = json.loads((out / 'manifest.json').read_text())
    assert m['profile'] == 'tiny' and m['config']['pretrain']['steps'] == 200
    assert m['versions']['torch'] and m['versions']['transformers'] and 'revision' in m['git'] and 'dirty' in m['git']
    assert m['seeds']['seed'] == m['config']['seed']
    assert any(k.endswith('general_instructions.jsonl') for k in m['inputs'])
    for s in STAGES:
        rec = m['stages'][s]
        assert rec['status'] == 'done' and rec['started'] <= rec['ended'] and len(rec['key']) == 64

def test_fine_tuned_beats_untuned_base(tiny_run):
    out, _, _ = tiny_run
    rows = json.loads((out / 'metrics/metrics.json').read_text())
    val = {(r['system'], r['task'], r['metric']): r for r in rows}
    for task, metric in (('impression', 'rougeL'), ('normal_abnormal', 'accuracy')):
        base, ft = val['base', task, metric], val['radphi2', task, metric]
        assert ft['value'] > base['value'] and ft['ci_low'] > base['ci_high'], (task, metric, base, ft)
    for m in ('radphi2', 'radphi2-base'):
        rec = json.loads((out / 'models' / m / 'train.json').read_text())
        assert rec['eval_loss_after'] < rec['eval_loss_before'], (m, rec['eval_loss_before'], rec['eval_loss_after'])
    base, ft = val['base', 'qa', 'rougeL'], val['radphi2-base', 'qa', 'rougeL']          # RadPhi-2-Base on knowledge QA
    assert ft['value'] > base['value'], (base, ft)

def test_second_run_skips_everything(tiny_run):
    out, sets, _ = tiny_run
    r = radphi2('reproduce', '--profile', 'tiny', '--out', out, *sets)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('up to date, skipped') == len(STAGES), r.stdout

def test_changed_parameter_reruns_from_the_stage_it_touches(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'copy'; shutil.copytree(out, run)
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, '--set', 'evaluate.bootstrap=100')
    assert r.returncode == 0, r.stderr
    for s in ('curate', 'pretrain', 'train', 'infer'): assert f'[{s}] up to date, skipped' in r.stdout
    assert '[evaluate] done' in r.stdout and '[paper] done' in r.stdout

def _hashes(folder):
    from radphi2.core import hash_path
    return {d: hash_path(folder / d) for d in ('data', 'models', 'predictions')}

def test_broken_stage_names_notebook_and_cell_and_keeps_earlier_outputs(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'broken'; shutil.copytree(out, run)
    pred = run / 'predictions/radphi2/impression.jsonl'
    pred.write_text(pred.read_text()[:200] + '\n{corrupt\n')
    before = _hashes(run)
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, '--from', 'evaluate')
    assert r.returncode == 1, r.stdout + r.stderr
    assert 's5_evaluate.ipynb' in r.stderr and 'cell' in r.stderr and 'impression.jsonl, line' in r.stderr, r.stderr
    assert _hashes(run) == before
    m = json.loads((run / 'manifest.json').read_text())
    assert m['stages']['evaluate']['status'] == 'failed' and m['stages']['infer']['status'] == 'done'
    assert not (run / 'run.lock').exists()

def test_corrupt_input_file_fails_curate_with_file_and_line(tmp_path):
    bad = tmp_path / 'reports.jsonl'
    bad.write_text('{"report_id": "r1", "patient_id": "p1", "sections": {"findings": "Clear lungs."}}\n{"report_id": "r2", oops\n')
    r = radphi2('reproduce', '--profile', 'tiny', '--out', tmp_path / 'run', '--set', f'data.reports={bad}', '--to', 'curate')
    assert r.returncode == 1
    assert 's1_curate.ipynb' in r.stderr and f'{bad}, line 2' in r.stderr, r.stderr

def test_live_lock_refuses_and_stale_lock_is_cleared(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'locked'; shutil.copytree(out, run)
    holder = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])
    try:
        (run / 'run.lock').write_text(json.dumps({'pid': holder.pid, 'host': socket.gethostname(), 'started': 'now', 'cmd': 'radphi2 reproduce'}))
        r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, timeout=60)
        assert r.returncode == 3 and 'is being written by another run' in r.stderr and str(holder.pid) in r.stderr
    finally:
        holder.kill(); holder.wait()
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets)    # the holder is dead now: a stale lock
    assert r.returncode == 0, r.stderr
    assert 'stale lock' in r.stdout and r.stdout.count('up to date, skipped') == len(STAGES)
    assert not (run / 'run.lock').exists()

def test_force_rerun_reproduces_every_metric_exactly(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'again'; shutil.copytree(out, run)
    import time
    t0 = time.time()
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, '--force')
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('] done in') == len(STAGES)                                   # every stage ran again
    preds = list((run / 'predictions').rglob('*.jsonl'))
    assert preds and all(p.stat().st_mtime >= t0 for p in preds)                          # answered again, not reused
    for f in ('metrics/metrics.json', 'metrics/paired.json', 'metrics/breakdown.json'):
        assert json.loads((run / f).read_text()) == json.loads((out / f).read_text()), f
    for m in ('radphi2', 'radphi2-base'):
        assert (run / 'models' / m / 'model.safetensors').read_bytes() == (out / 'models' / m / 'model.safetensors').read_bytes(), m

def test_smoke_runs_a_profile_end_to_end_on_a_random_model(tmp_path):
    run = tmp_path / 'smoke'
    r = radphi2('reproduce', '--profile', 'paper', '--out', run, '--smoke', '--smoke-shape', 'small')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    m = json.loads((run / 'manifest.json').read_text())
    assert all(m['stages'][s]['status'] == 'done' for s in STAGES)
    assert m['config']['base']['name_or_path'].endswith('smoke-base-small')
    cfg = json.loads((run / 'models/smoke-base-small/config.json').read_text())
    assert cfg['vocab_size'] >= 51200 and cfg['num_hidden_layers'] == 2 and cfg['hidden_size'] == 320
    assert (run / 'report.html').exists() and all(json.loads((run / 'models' / x / 'train.json').read_text())['steps'] == 4 for x in ('radphi2', 'radphi2-base'))
