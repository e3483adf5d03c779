"""Knowledge-QA curation: parser fuzzing, the MedPix development slice, and bad input through the CLI."""
import html, json, re
from pathlib import Path
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from conftest import ROOT, SHARED, radphi2
from radphi2.articles import ArticleError, parse_html, parse_markdown

# -- fuzzing the parsers: no crash, and no section text lost ---------------------------------------------
_word = st.text(alphabet=st.characters(codec='utf-8', categories=('L', 'N', 'P', 'S'), exclude_characters='<>&#*`|[]\\_~'), min_size=1, max_size=12)
_sentence = st.lists(_word, min_size=1, max_size=12).map(' '.join)
_heading = st.from_regex(r'[A-Z][a-z]{2,12}( [a-z]{2,10}){0,2}', fullmatch=True).filter(
    lambda h: not re.match(r'(?i)^(references?|bibliography|see also|related|external links|further reading|promoted)', h))
_section = st.tuples(_heading, st.lists(_sentence, min_size=1, max_size=4))
_article = st.tuples(_heading, st.lists(_section, min_size=1, max_size=5, unique_by=lambda s: s[0]))

def _norm(s): return ' '.join(s.split())

def _as_html(title, sections):
    body = ''.join(f'<h2>{html.escape(h)}</h2>' + ''.join(f'<p>{html.escape(p)}<sup class="citation">1</sup></p>' for p in ps) for h, ps in sections)
    return (f'<html><head><title>{html.escape(title)} | Radiology Reference Article</title></head><body><nav>Home</nav>'
            f'<article data-article-id="x"><h1 class="article-title">{html.escape(title)}</h1><ul class="systems"><li>Chest</li></ul>'
            f'<div class="article-body">{body}<h2>References</h2><ol class="references"><li>Example A.</li></ol></div></article></body></html>')

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_article)
def test_html_parser_keeps_every_section_text(article):
    title, sections = article
    a = parse_html(_as_html(title, sections), 'fuzz.html')
    assert a.title == _norm(title)
    got = {s.heading: s.text for s in a.sections if s.heading}
    for h, ps in sections:
        assert _norm(got[_norm(h)]) == _norm(' '.join(ps)) or _norm(got[_norm(h)].replace('\n', ' ')) == _norm(' '.join(ps))

@settings(max_examples=150, deadline=None)
@given(_article)
def test_markdown_parser_keeps_every_section_text(article):
    title, sections = article
    md = f'---\ntitle: {json.dumps(title)}\nsystems: [Chest]\n---\n' + ''.join(f'## {h}\n' + '\n\n'.join(ps) + '\n' for h, ps in sections)
    a = parse_markdown(md, 'fuzz.md')
    got = {s.heading: s.text for s in a.sections if s.heading}
    for h, ps in sections:
        assert _norm(got[h]) == _norm(' '.join(ps))

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parsers_raise_only_article_errors_on_garbage(text):
    for parse in (parse_html, parse_markdown):
        try: a = parse(text, 'garbage')
        except ArticleError: continue
        assert a.title and any(s.text for s in a.sections)

# -- the MedPix development slice ----------------------------------------------------------------------
MEDPIX = SHARED / 'data' / 'medpix' / 'case_topic.dev.json'

@pytest.mark.skipif(not MEDPIX.exists(), reason='../shared/data/medpix is absent (development data, not shipped)')
def test_medpix_slice_curates_into_pairs_by_system(tmp_path):
    from radphi2.qa import build_qa
    card = build_qa(MEDPIX, tmp_path / 'qa', log=lambda s: None)
    assert sum(card['pairs'].values()) > 1000
    assert card['sources'][0]['articles'] == 602 and card['sources'][0]['skipped'] == 0
    assert card['systems'] >= 9 and {'symptoms', 'appearance', 'differential', 'treatment'} <= set(card['question_types'])
    malformed = card['sources'][0]['unknown_systems']
    assert malformed and all(k.startswith('ACR code') for k in malformed)      # reported, not guessed
    rows = [json.loads(l) for l in (tmp_path / 'qa' / 'train.jsonl').read_text().splitlines()]
    assert not any(re.search(r'(?m)^\s*Ref:', r['answer']) for r in rows)    # reference blocks are cleaned away

# -- bad input through the CLI ---------------------------------------------------------------------------
def test_bad_article_stops_curate_naming_file_and_field_or_is_counted_when_lenient(tmp_path):
    arts = tmp_path / 'arts'; arts.mkdir()
    good = (ROOT / 'data' / 'articles').glob('*.html').__next__()
    (arts / 'good.html').write_text(good.read_text())
    (arts / 'notitle.html').write_text('<html><body><h2>Treatment</h2><p>Rest and fluids for a week.</p></body></html>')
    (arts / 'latin1.md').write_bytes(b'---\ntitle: Caf\xe9\n---\n## Treatment\nRest.')
    r = radphi2('curate', '--out', tmp_path / 'run', '--set', f'data.articles=[{arts}]', '--set', 'data.n_synthetic=200')
    assert r.returncode == 1 and 'Traceback' not in r.stderr
    assert ('notitle.html: title: missing' in r.stderr) or ('latin1.md' in r.stderr and 'not UTF-8' in r.stderr), r.stderr
    r = radphi2('curate', '--out', tmp_path / 'run', '--set', f'data.articles=[{arts}]', '--set', 'data.n_synthetic=200', '--set', 'data.lenient=true')
    assert r.returncode == 0, r.stderr
    card = json.loads((tmp_path / 'run' / 'data' / 'qa' / 'card.json').read_text())
    assert card['sources'][0]['skipped'] == 2 and card['sources'][0]['articles'] == 1
    assert '2 skipped' in (tmp_path / 'run' / 'data' / 'qa' / 'card.md').read_text()
