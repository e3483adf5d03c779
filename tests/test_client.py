"""The OpenAI-compatible client against a real HTTP server on localhost: success, retries, timeout,
malformed answers, cache hits, concurrency, and an API key that never reaches the disk."""
import json, threading, time
import pytest
from conftest import FakeOpenAI
from radphi2.client import OpenAIClient, ClientError

SECRET = 'sk-test-0123456789abcdef-never-on-disk'

@pytest.fixture
def server():
    s = FakeOpenAI(); yield s; s.close()

@pytest.fixture
def client(server, tmp_path, monkeypatch):
    monkeypatch.setenv('RADPHI2_TEST_KEY', SECRET)
    return OpenAIClient(server.url, 'mistral-7b-instruct', api_key_env='RADPHI2_TEST_KEY', timeout=0.4, max_retries=2, backoff=0.01,
                        concurrency=3, cache_dir=str(tmp_path / 'cache'))

def test_success_sends_model_messages_and_key(server, client):
    r = client.complete('Summarize: small left effusion.', max_tokens=32)
    assert r == {'text': 'ans:Summarize: small left effusion.', 'tokens': None, 'cached': False, 'attempts': 1, 'seconds': r['seconds']}
    req = server.seen[0]
    assert req['path'] == '/v1/chat/completions' and req['auth'] == f'Bearer {SECRET}'
    assert req['body']['model'] == 'mistral-7b-instruct' and req['body']['max_tokens'] == 32 and req['body']['temperature'] == 0.0

@pytest.mark.parametrize('first', [429, 500, 503])
def test_retry_after_rate_limit_or_server_error(server, client, first):
    server.script = [first]
    r = client.complete('q')
    assert r['text'] == 'ans:q' and r['attempts'] == 2 and client.stats['retries'] == 1 and len(server.seen) == 2

def test_client_errors_are_not_retried(server, client):
    server.script = [400]
    with pytest.raises(ClientError, match='failed after 1 attempt'): client.complete('q')
    assert len(server.seen) == 1

def test_timeout_fails_after_the_retries_with_a_clear_message(server, client):
    server.script = ['stall'] * 3
    with pytest.raises(ClientError, match=r'failed after 3 attempt\(s\)') as e: client.complete('q')
    assert 'timed out' in str(e.value) and client.stats['failures'] == 1

@pytest.mark.parametrize('act,msg', [('garbage', 'not JSON'), ('nochoices', 'no choices')])
def test_malformed_response_is_an_error_never_an_empty_answer(server, client, act, msg):
    server.script = [act]
    with pytest.raises(ClientError, match=msg): client.complete('q')

def test_cache_hit_makes_no_request_and_depends_on_settings(server, client):
    a = client.complete('same prompt'); b = client.complete('same prompt')
    assert not a['cached'] and b['cached'] and b['text'] == a['text'] and len(server.seen) == 1
    client.complete('same prompt', max_tokens=99)                  # other settings: another request
    assert len(server.seen) == 2 and client.stats['cache_hits'] == 1

def test_concurrency_limit_and_failures_reported_in_order(server, client):
    client.timeout = 10.0                                            # slow answers are not timeouts here, even on a busy machine
    server.script = ['slow'] * 8 + [400]                             # whichever request arrives last gets the 400
    out = client.complete_many([f'p{i}' for i in range(9)])
    assert server.peak <= 3 and sum('error' in o for o in out) == 1
    assert all(o['text'] == f'ans:p{i}' for i, o in enumerate(out) if 'error' not in o)   # answers stay in prompt order

def test_api_key_never_reaches_the_disk_or_the_repr(server, client, tmp_path):
    client.complete('a'); client.complete_many(['b', 'c'])
    files = [p for p in (tmp_path / 'cache').rglob('*') if p.is_file()]
    assert files and not any(SECRET in p.read_text() for p in files)
    assert SECRET not in repr(client) and 'RADPHI2_TEST_KEY' in repr(client)
