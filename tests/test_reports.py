"""Report loaders, section parser and labeler: the project's sample files in every format, the Open-i slice,
fuzz tests of the parser and labeler, and bad input through the CLI."""
import csv, json, re
from collections import Counter
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from conftest import ROOT, SHARED, radphi2
from radphi2.reports import load_reports, split_sections, clean_section, HEADERS, ReportError, SECTIONS
from radphi2.labeler import label_report, OBSERVATIONS, DEVICES, score_against_openi

OPENI = SHARED / 'data' / 'openi'
SAMPLES = ROOT / 'data' / 'samples'

@pytest.mark.parametrize('fmt', ['mimic', 'chexpert', 'openi-xml', 'openi-csv'])
def test_loaders_parse_the_projects_sample_files(fmt):
    recs, rep = load_reports(SAMPLES / fmt)
    assert rep['format'] == fmt and rep['skipped'] == 0 and len(recs) >= 10
    assert all(r['sections'].get('findings') or r['sections'].get('impression') for r in recs)
    assert all(set(r['sections']) <= set(SECTIONS) for r in recs)
    assert not any('XXXX' in v for r in recs for v in r['sections'].values())      # de-identification normalised
    if fmt in ('mimic', 'chexpert'):
        assert rep['with_prior'] > 0                                                  # patients with several studies, in order
        by = {}
        for r in recs: by.setdefault(r['patient_id'], []).append(r['study_order'])
        assert all(sorted(v) == list(range(1, len(v) + 1)) for v in by.values())
    if fmt.startswith('openi'): assert all(r['labels'].get('mesh') for r in recs)

def test_sample_formats_agree_on_the_same_report():
    "The Open-i XML and CSV samples hold the same reports: the two loaders must read the same sections."
    x = {r['report_id']: r['sections'] for r in load_reports(SAMPLES / 'openi-xml')[0]}
    c = {r['report_id']: r['sections'] for r in load_reports(SAMPLES / 'openi-csv')[0]}
    common = set(x) & set(c)
    assert common and all(x[k] == c[k] for k in common)

@pytest.mark.skipif(not (OPENI / 'indiana_reports.dev.csv').exists(), reason='Open-i development slice (../shared/data/openi) not present')
def test_openi_csv_slice_parses_with_every_skip_explained():
    recs, rep = load_reports(OPENI / 'indiana_reports.dev.csv', lenient=True)
    with open(OPENI / 'indiana_reports.dev.csv', encoding='utf-8') as f: rows = sum(1 for _ in csv.DictReader(f))
    assert len(recs) + rep['skipped'] == rows == 2597
    assert sum(rep['skip_reasons'].values()) == rep['skipped'] and all(s['reason'] and s['where'] for s in rep['skips'])
    with pytest.raises(ReportError, match=r'indiana_reports.dev.csv, line \d+ \(uid \d+\): empty report'):
        load_reports(OPENI / 'indiana_reports.dev.csv')

@pytest.mark.skipif(not (OPENI / 'openi_labels14.dev.csv').exists(), reason='Open-i development slice (../shared/data/openi) not present')
def test_labeler_normal_abnormal_accuracy_on_openi_is_at_least_090():
    recs, _ = load_reports(OPENI / 'indiana_reports.dev.csv', lenient=True)
    gold = {'CXR' + r['filename'][3:]: r for r in csv.DictReader(open(OPENI / 'openi_labels14.dev.csv', encoding='utf-8'))}
    sc = score_against_openi(recs, gold, min_positives=20)
    assert sc['reports'] > 2400 and sc['normal_abnormal_accuracy'] >= 0.90, sc
    assert {'Cardiomegaly', 'Atelectasis', 'Pleural Effusion'} <= set(sc['classes'])
    assert sc['classes']['Cardiomegaly']['f1'] > 0.8

# --- fuzz: the section parser conserves text, the labeler never crashes --------------------------------------

_word = st.text(alphabet='abcdefghijklmnopqrstuvwxyz', min_size=1, max_size=9)
_sentence = st.lists(_word, min_size=1, max_size=12).map(lambda ws: ' '.join(ws).capitalize() + '.')
_section_text = st.lists(_sentence, min_size=1, max_size=4).map(' '.join)
_variants = {}
for h, k in HEADERS.items():
    if k != 'preamble': _variants.setdefault(k, []).append(h)

@st.composite
def report_text(draw):
    keys = draw(st.lists(st.sampled_from(sorted(_variants)), min_size=1, max_size=6))
    pre = draw(st.one_of(st.just(''), _section_text))
    parts, want = [pre] if pre else [], {'preamble': [pre]} if pre else {}
    for k in keys:
        head = draw(st.sampled_from(_variants[k])).upper()
        body = draw(_section_text)
        sep = draw(st.sampled_from([': ', ':\n', ':  \n ']))
        parts.append(f'{head}{sep}{body}'); want.setdefault(k, []).append(body)
    return draw(st.sampled_from(['\n', '\n\n', '\n \n '])).join(parts), {k: ' '.join(v) for k, v in want.items()}

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_text())
def test_section_parser_conserves_every_sections_text(case):
    text, want = case
    assert split_sections(text) == {k: clean_section(v) for k, v in want.items()}

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_section_parser_and_labeler_never_crash_on_any_text(text):
    secs = split_sections(text)
    assert set(secs) <= set(SECTIONS)
    words = lambda s: re.findall(r'[a-z0-9]+', s.lower())
    got = Counter(w for v in secs.values() for w in words(v))
    assert not (got - Counter(words(text)))            # nothing invented
    lab = label_report({'sections': secs} if secs else text)
    assert set(lab['observations']) <= set(OBSERVATIONS) and all(d['device'] in DEVICES for d in lab['devices'])
    assert isinstance(lab['abnormal'], bool)

# --- bad input ---------------------------------------------------------------------------------------------

def _openi_csv(path, rows):
    path.write_text('uid,MeSH,Problems,image,indication,comparison,findings,impression\n' + ''.join(r + '\n' for r in rows), encoding='utf-8')
    return path

@pytest.mark.parametrize('rows,expect', [
    (['1,normal,normal,Xray,Cough,None.,Clear lungs.,Normal.', '2,normal,normal,Xray,,,,'], 'line 3 (uid 2): empty report'),
    (['1,normal,normal,Xray,Cough,None.,Clear lungs.,Normal.', '1,normal,normal,Xray,Cough,None.,Clear.,Normal.'], "report_id: 'CXR1' duplicates"),
    (['1,normal,normal,Xray,Cough,None.,Clear, no effusion.,Normal.'], 'line 2: 9 fields, the header has 8'),
])
def test_bad_openi_rows_name_file_and_line(tmp_path, rows, expect):
    p = _openi_csv(tmp_path / 'r.csv', rows)
    with pytest.raises(ReportError, match=re.escape(expect)): load_reports(p)

def test_bad_free_text_and_xml_reports(tmp_path):
    tree = tmp_path / 'mimic' / 'files' / 'p10' / 'p10000001'; tree.mkdir(parents=True)
    (tree / 's50000001.txt').write_text('FINDINGS: Clear lungs.\nIMPRESSION: Normal.')
    (tree / 's50000002.txt').write_text('Heart normal. Lungs clear.')                      # no header at all
    (tree / 's50000003.txt').write_bytes(b'FINDINGS: Caf\xe9 lungs.')                      # not UTF-8
    with pytest.raises(ReportError, match='header-less report'): load_reports(tmp_path / 'mimic')
    recs, rep = load_reports(tmp_path / 'mimic', lenient=True)
    assert [r['report_id'] for r in recs] == ['s50000001'] and rep['skipped'] == 2
    assert any('not UTF-8' in s['reason'] for s in rep['skips']) and any('header-less' in s['reason'] for s in rep['skips'])
    xml = tmp_path / 'xml'; xml.mkdir()
    (xml / '1.xml').write_text('<eCitation><uId id="CXR1"/><Abstract><AbstractText Label="FINDINGS">Clear.</AbstractText></Abstract>')
    with pytest.raises(ReportError, match=r'1.xml: not well-formed XML \(line 1'): load_reports(xml)

def test_curate_cli_stops_on_a_bad_report_file_and_counts_skips_when_lenient(tmp_path):
    p = _openi_csv(tmp_path / 'openi.csv', [f'{i},normal,normal,Xray,Cough,None.,The lungs are clear.,No acute disease {i}.' for i in range(1, 80)]
                   + ['80,normal,normal,Xray,,,,', '81,Cardiomegaly/mild,Cardiomegaly,Xray,Dyspnea,None.,The heart is mildly enlarged.,Mild cardiomegaly.'])
    r = radphi2('curate', '--out', tmp_path / 'run', '--set', f'data.reports={p}')
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'openi.csv, line 81 (uid 80): empty report' in r.stderr, r.stderr
    r = radphi2('curate', '--out', tmp_path / 'run', '--set', f'data.reports={p}', '--set', 'data.lenient=true')
    assert r.returncode == 0, r.stderr
    card = json.loads((tmp_path / 'run' / 'data' / 'reports' / 'card.json').read_text())
    assert card['load']['skipped'] == 1 and card['reports'] == 80 and card['labels_from'] == {'labeler': 80}
    assert 'change_summary: no prior report for this patient' in card['skipped']
