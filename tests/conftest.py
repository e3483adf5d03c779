"""Shared fixtures: the project root, a CLI runner, and one small tiny-profile run shared by the chain tests."""
import json, os, shutil, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class FakeOpenAI:
    """An OpenAI-compatible server on localhost (started by the test): each request takes the next action of `script`
    ('ok' once it is empty): an HTTP status, 'stall' (1 s), 'slow' (0.2 s), 'garbage' (not JSON), 'nochoices', or 'ok',
    which answers `reply(body)`. `seen` records each request's Authorization header, path and body."""
    def __init__(self, script=(), reply=lambda body: 'ans:' + body['messages'][-1]['content']):
        self.script, self.seen, self.active, self.peak = list(script), [], 0, 0
        outer, lock = self, threading.Lock()
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                with lock:
                    outer.seen.append({'auth': self.headers.get('Authorization'), 'path': self.path, 'body': body, 'model': body.get('model')})
                    act = outer.script.pop(0) if outer.script else 'ok'
                    outer.active += 1; outer.peak = max(outer.peak, outer.active)
                try:
                    if act == 'stall': time.sleep(1.0)
                    if act == 'slow': time.sleep(0.2)
                    if isinstance(act, int):
                        self.send_response(act); self.send_header('Retry-After', '0'); self.end_headers(); return
                    out = {'garbage': b'<html>gateway error</html>', 'nochoices': json.dumps({'error': 'x'}).encode()}.get(act) or \
                          json.dumps({'choices': [{'message': {'content': reply(body)}}]}).encode()
                    self.send_response(200); self.send_header('Content-Type', 'application/json'); self.end_headers(); self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError): pass
                finally:
                    with lock: outer.active -= 1
        class S(ThreadingHTTPServer):
            daemon_threads = True
            def handle_error(self, *a): pass
        self.srv = S(('127.0.0.1', 0), H)
        self.url = f'http://127.0.0.1:{self.srv.server_address[1]}/v1'
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
    def close(self): self.srv.shutdown(); self.srv.server_close()
