"""Inference and evaluation wired into the chain: external systems through the OpenAI-compatible client and a
predictions file, a judge, failures counted and reported, BERTScore from a local encoder, and an API key
that never reaches the run folder."""
import json, shutil
from pathlib import Path
import pytest
from conftest import radphi2, ENV, FakeOpenAI

SECRET = 'sk-chain-test-5f0c1d2e-never-written-anywhere'
JUDGE_REPLY = '{"correctness": 4, "completeness": 3, "conciseness": 5, "harmful_error": "no"}'

def judge_or_answer(body):
    "Judge prompts get a rubric reply; everything else a fixed answer."
    return JUDGE_REPLY if 'Grade the candidate answer' in body['messages'][-1]['content'] else 'No acute cardiopulmonary process.'

def _external_sets(url, mine):
    served = {'backend': 'client', 'base_url': url, 'model': 'served-7b', 'api_key_env': 'RADPHI2_TEST_KEY', 'max_retries': 2, 'backoff': 0.01, 'timeout': 5}
    judge = {'base_url': url, 'model': 'judge-model', 'api_key_env': 'RADPHI2_TEST_KEY', 'max_retries': 0, 'timeout': 5}
    return ['--set', 'generate.external=' + json.dumps({'served': served, 'mine': {'backend': 'file', 'path': str(mine), 'allow_missing': True}}),
            '--set', 'evaluate.judge=' + json.dumps(judge), '--set', 'evaluate.judge_max_per_task=8']

def test_external_systems_and_judge_in_the_chain_count_failures_and_never_store_the_key(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'ext'; shutil.copytree(out, run)
    test = [json.loads(l) for l in (run / 'predictions/radphi2/impression.jsonl').read_text().splitlines()]
    mine = tmp_path / 'mine.jsonl'                        # a user's file: impression only, one answer missing
    mine.write_text(''.join(json.dumps({'id': r['id'], 'prediction': r['reference']}) + '\n' for r in test[1:]))
    srv = FakeOpenAI(script=[500, 'garbage'], reply=judge_or_answer)             # one request retried after a 500, one malformed for good
    env = {**ENV, 'RADPHI2_TEST_KEY': SECRET}
    try:
        r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, *_external_sets(srv.url, mine), '--from', 'infer', env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        n_first = len(srv.seen)
        assert n_first > 100 and all(s['auth'] == f'Bearer {SECRET}' for s in srv.seen)            # the key was used ...
        rows = json.loads((run / 'metrics/metrics.json').read_text())
        at = {(x['system'], x['task'], x['metric']): x for x in rows}
        fails = sum(at['served', t, 'rougeL' if t != 'normal_abnormal' else 'accuracy']['failures'] for t in ('impression', 'normal_abnormal', 'qa'))
        assert fails == 1, fails                                                                  # the malformed reply: counted
        m = at['mine', 'impression', 'rougeL']
        assert m['failures'] == 1 and m['n'] == len(test) and m['value'] == pytest.approx((len(test) - 1) / len(test))
        assert at['mine', 'normal_abnormal', 'accuracy']['failures'] == at['mine', 'normal_abnormal', 'accuracy']['n']   # not answered at all
        assert '- mine / impression: 0 empty prediction(s), 1 failure(s), scored as wrong' in (run / 'tables/tasks.md').read_text()
        j = at['radphi2', 'impression', 'judge_correctness']
        assert j['n'] == 8 and j['value'] == pytest.approx(0.75) and at['radphi2', 'impression', 'judge_harmful']['value'] == 0
        paired = json.loads((run / 'metrics/paired.json').read_text())
        assert any(p['system'] == 'radphi2' and p['baseline'] == 'served' for p in paired)
        assert not any(s['metric'] == 'judge' for s in json.loads((run / 'metrics/skipped.json').read_text()))
        assert list((run / 'cache/client').rglob('*.json'))
        # ... and is nowhere in the run folder: manifest, config, logs, executed notebooks, predictions, cache.
        leaks = [p for p in run.rglob('*') if p.is_file() and SECRET.encode() in p.read_bytes()]
        assert not leaks, leaks
        assert 'RADPHI2_TEST_KEY' in (run / 'config.yaml').read_text()                           # only the variable's name
        r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, *_external_sets(srv.url, mine), '--from', 'infer', env=env)
        assert r.returncode == 0, r.stderr
        assert len(srv.seen) == n_first                                                          # kept predictions, cached judgements
    finally:
        srv.close()

def test_a_predictions_file_with_unknown_or_missing_ids_stops_infer_with_the_file_named(tiny_run, tmp_path):
    out, sets, _ = tiny_run
    run = tmp_path / 'bad'; shutil.copytree(out, run)
    bad = tmp_path / 'theirs.jsonl'
    bad.write_text(json.dumps({'id': 'not-a-test-id', 'prediction': 'x'}) + '\n')
    ext = ['--set', 'generate.external=' + json.dumps({'theirs': {'backend': 'file', 'path': str(bad)}})]
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, *ext, '--from', 'infer', '--to', 'infer')
    assert r.returncode == 1 and 's4_infer.ipynb' in r.stderr and "theirs.jsonl, record 1: id 'not-a-test-id' is not a test example" in r.stderr, r.stderr
    bad.write_text('')
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, *ext, '--from', 'infer', '--to', 'infer')
    assert r.returncode == 1 and 'test examples have no prediction' in r.stderr and 'allow_missing=true' in r.stderr, r.stderr
    ext = ['--set', 'generate.external=' + json.dumps({'theirs': {'backend': 'file', 'pth': str(bad)}})]
    r = radphi2('reproduce', '--profile', 'tiny', '--out', run, *sets, *ext, '--from', 'infer', '--to', 'infer')
    assert r.returncode == 1 and "generate.external.theirs: unknown key(s) ['pth']" in r.stderr, r.stderr

def test_bertscore_from_a_local_encoder_folder(tiny_run, tmp_path):
    from radphi2.core import write_jsonl
    from radphi2.evaluate import evaluate_dir
    out, _, _ = tiny_run
    refs = ['Small left pleural effusion.', 'No acute process.', 'Cardiomegaly with mild edema.']
    write_jsonl(tmp_path / 'same/impression.jsonl', [{'id': str(i), 'task': 'impression', 'reference': t, 'prediction': t} for i, t in enumerate(refs)])
    write_jsonl(tmp_path / 'other/impression.jsonl', [{'id': str(i), 'task': 'impression', 'reference': t, 'prediction': refs[i - 1]} for i, t in enumerate(refs)])
    res = evaluate_dir(tmp_path, n_boot=50, opts={'bertscore_model': str(out / 'models/tiny-base')})
    bs = {r['system']: r['value'] for r in res['metrics'] if r['metric'] == 'bertscore'}
    assert bs['same'] == pytest.approx(1.0, abs=1e-5) and bs['other'] < bs['same']
    assert [s['metric'] for s in res['skipped']] == ['radgraph_f1']

def test_vllm_backend_without_vllm_says_how_to_install(monkeypatch):
    import builtins
    from radphi2.generate import VLLMBackend
    real = builtins.__import__
    monkeypatch.setattr(builtins, '__import__', lambda name, *a, **k: (_ for _ in ()).throw(ImportError('no vllm')) if name == 'vllm' else real(name, *a, **k))
    with pytest.raises(ImportError, match=r"pip install 'radphi2\[vllm\]'"): VLLMBackend('some/model')
