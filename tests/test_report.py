"""The paper stage's report: every section, a self-contained HTML page, and how it looks in a browser."""
import os, re
from pathlib import Path
import pytest
from radphi2.report import chromium_path, screenshot

def test_report_md_has_every_section_and_says_what_profile_made_it(tiny_run):
    out, _, _ = tiny_run
    md = (out / 'report.md').read_text()
    for h in ("## The paper's claims", '### Reference figures from the field', '## Data', '## Training', '## Rad-Phi2 against baselines, per task',
              '## RadPhi-2-Base against baselines, per organ system', '### By organ system and question type', '## Conciseness',
              '## Paired comparisons', '## Not computed here', '## Examples', '## Provenance'):
        assert h in md, h
    assert 'they are **not** a reproduction' in md and '45.16 / 19.58' in md
    for img in re.findall(r'!\[[^\]]*\]\(([^)]+)\)', md):
        assert (out / img).read_bytes()[:4] == b'\x89PNG', img                          # every figure it names exists
    assert 'was not written by this run' not in md

def test_report_html_is_self_contained(tiny_run):
    out, _, _ = tiny_run
    page = (out / 'report.html').read_text()
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(srcs) >= 6 and all(s.startswith('data:image/png;base64,') for s in srcs)
    assert '<script' not in page and 'http://' not in page and '<table>' in page

def test_report_opens_in_headless_chromium_without_console_messages(tiny_run, tmp_path):
    if chromium_path() is None:
        if os.environ.get('RADPHI2_REQUIRE_CHROMIUM'): pytest.fail('chromium is required here (CI installs it) but is missing')
        pytest.skip('chromium is not installed (apt-get install chromium)')
    out, _, _ = tiny_run
    assert (out / 'report.png').read_bytes()[:4] == b'\x89PNG'                          # the paper stage took one
    msgs = screenshot(out / 'report.html', tmp_path / 'shot.png')
    assert msgs == [], msgs
    from PIL import Image
    im = Image.open(tmp_path / 'shot.png')
    assert im.size == (1200, 2400) and len(set(im.convert('L').resize((60, 120)).getdata())) > 20     # not a blank page
