"""Fine-tuning failure modes: a real kill mid-run then --resume, and bad recipes, data and model folders."""
import json, os, shutil, signal, subprocess, time
from pathlib import Path
import pytest
from conftest import ROOT, BIN, ENV, radphi2

STEPS = ['--set', 'train.radphi2.max_steps=30', '--set', 'train.radphi2.save_steps=10', '--set', 'train.radphi2.eval_steps=0',
         '--set', 'train.radphi2.logging_steps=5']

def _weights(folder):
    from safetensors.torch import load_file
    return load_file(str(folder / 'model.safetensors'))

def _copy(run, dest):
    shutil.copytree(run, dest, ignore=shutil.ignore_patterns('predictions', 'metrics', 'radphi2', 'radphi2-base'))
    return dest

def test_killed_training_resumes_to_the_same_weights(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    a, b = _copy(out, tmp_path / 'a'), _copy(out, tmp_path / 'b')
    r = radphi2('train', '--out', a, '--model', 'radphi2', *sets, *STEPS)
    assert r.returncode == 0, r.stderr
    # the same training, killed (SIGKILL, no clean-up) once its first checkpoint is complete
    p = subprocess.Popen([str(BIN / 'radphi2'), 'train', '--out', str(b), '--model', 'radphi2', *sets, *STEPS],
                         cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ck = b / 'models' / 'radphi2.checkpoints' / 'checkpoint-10'
    t0 = time.time()
    while not ((ck / 'trainer_state.json').exists() and (ck / 'optimizer.pt').exists()):
        assert p.poll() is None, 'training ended before its first checkpoint'
        assert time.time() - t0 < 600, 'no checkpoint after 10 minutes'
        time.sleep(0.1)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    assert not (b / 'models' / 'radphi2' / 'model.safetensors').exists()           # nothing half-written
    r = radphi2('train', '--out', b, '--model', 'radphi2', '--resume', *sets, *STEPS)
    assert r.returncode == 0, r.stderr
    ra, rb = (json.loads((x / 'models/radphi2/train.json').read_text()) for x in (a, b))
    assert rb['resumed_from'] and rb['resumed_from'].endswith('checkpoint-10') and ra['resumed_from'] is None
    assert rb['steps'] == ra['steps'] == 30
    la = [h['loss'] for h in ra['log_history'] if 'loss' in h and h['step'] == 30]
    lb = [h['loss'] for h in rb['log_history'] if 'loss' in h and h['step'] == 30]
    assert la and lb and abs(la[0] - lb[0]) < 1e-3, (la, lb)                       # stated tolerance: final loss within 1e-3
    wa, wb = _weights(a / 'models/radphi2'), _weights(b / 'models/radphi2')
    worst = max((wa[k] - wb[k]).abs().max().item() for k in wa)
    assert worst < 1e-4, worst                                                     # and every weight within 1e-4
    assert not (b / 'models' / 'radphi2.checkpoints').exists()                    # checkpoints removed once the model is saved

def test_bad_recipe_data_and_model_folder_give_clear_errors(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = _copy(out, tmp_path / 'r')
    r = radphi2('train', '--out', run, *sets, '--set', 'train.radphi2.max_stepz=3')
    assert r.returncode == 2 and "unknown key(s) ['max_stepz']" in r.stderr, r.stderr
    r = radphi2('train', '--out', run, '--model', 'radphi2', *sets, '--set', 'train.radphi2.tasks=[no_such_task]')
    assert r.returncode == 1 and 'no training examples for tasks' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    r = radphi2('train', '--out', run, '--model', 'radphi2', *sets, '--set', 'train.radphi2.max_length=8')
    assert r.returncode == 1 and 'longer than max_length=8' in r.stderr, r.stderr
    empty = tmp_path / 'empty-model'; empty.mkdir(); (empty / 'config.json').write_text('{}')
    r = radphi2('train', '--out', tmp_path / 'r2', '--model', 'radphi2', '--set', f'base.name_or_path={empty}', '--set', 'data.n_synthetic=200')
    assert r.returncode != 0 and str(empty) in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_two_processes_train_on_the_cpu_through_accelerate(tiny_run, tmp_path):
    out, _, _ = tiny_run
    run = _copy(out, tmp_path / 'acc')
    r = subprocess.run([str(BIN / 'accelerate'), 'launch', '--config_file', str(ROOT / 'recipes/accelerate/cpu2.yaml'), '-m', 'radphi2.sft',
                        '--run', str(run), '--model', 'radphi2', '--set', 'max_steps=6', '--set', 'save_steps=3', '--set', 'eval_steps=0'],
                       cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((run / 'models/radphi2/train.json').read_text())
    assert rec['world_size'] == 2 and sorted(x['rank'] for x in rec['ranks']) == [0, 1] and all(x['steps'] == 6 for x in rec['ranks'])
    assert 'checkpoint-3' in rec['checkpoints_written']
    assert (run / 'models/radphi2/model.safetensors').exists() and not list(run.glob('models/radphi2.tmp*'))
