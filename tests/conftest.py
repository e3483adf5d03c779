"""Shared fixtures: the project root, a CLI runner, and one small tiny-profile run shared by the chain tests."""
import os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / 'shared'
BIN = Path(sys.executable).parent
ENV = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_DATASETS_OFFLINE': '1', 'TOKENIZERS_PARALLELISM': 'false', 'RADPHI2_QUIET': '1'}

# A smaller tiny profile for tests: every stage real, but quicker than `make paper`.
SMALL = ['data.n_synthetic=500', 'data.max_test_per_task=60', 'pretrain.steps=200', 'train.radphi2.max_steps=150',
         'train.radphi2.tasks=[impression,normal_abnormal]',
         'train.radphi2.eval_steps=0', 'train.radphi2-base.max_steps=40', 'train.radphi2-base.eval_steps=0', 'evaluate.bootstrap=200']

def radphi2(*args, timeout=900, env=None, **kw):
    "Run the `radphi2` command; returns the CompletedProcess (text)."
    return subprocess.run([str(BIN / 'radphi2'), *map(str, args)], capture_output=True, text=True, env=env or ENV, cwd=ROOT, timeout=timeout, **kw)

@pytest.fixture(scope='session')
def tiny_run(tmp_path_factory):
    "A complete small tiny-profile run folder (built once per test session)."
    out = tmp_path_factory.mktemp('runs') / 'tiny'
    sets = [a for s in SMALL for a in ('--set', s)]
    r = radphi2('reproduce', '--profile', 'tiny', '--out', out, *sets)
    assert r.returncode == 0, f'reproduce failed:\n{r.stdout}\n{r.stderr}'
    return out, sets, r
