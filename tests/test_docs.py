"""The README and the docs pipeline, as far as it goes without Quarto."""
import json, shutil, subprocess, sys
from pathlib import Path
from conftest import ROOT, ENV

def test_readme_is_generated_from_index():
    r = subprocess.run([sys.executable, 'tools/build_readme.py', '--check'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + r.stdout

def test_readme_names_both_commands_and_ci_calls_the_test_one():
    readme = (ROOT / 'README.md').read_text()
    assert 'make paper' in readme and 'make test' in readme
    assert 'make test' in (ROOT / '.ci/run').read_text()

def test_quarto_config_is_the_one_nbdev_uses():
    q = ROOT / 'nbs' / '_quarto.yml'
    assert q.is_symlink() and q.resolve() == (ROOT / '_quarto.yml').resolve()

def test_processed_pages_render_to_html(tmp_path):
    # nbdev_proc_nbs without its Quarto installer (which downloads a binary): the same steps it takes.
    code = ('import nbdev.doclinks; from nbdev.quarto import refresh_quarto_yml; from nbdev.serve import proc_nbs\n'
            'refresh_quarto_yml(); nbdev.doclinks._build_modidx(); proc_nbs(n_workers=1, force=True)')
    r = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=600)
    assert r.returncode == 0, r.stderr
    import nbformat
    from nbconvert import HTMLExporter
    pages = sorted((ROOT / '_proc').rglob('*.ipynb'))
    src = sorted(p for p in (ROOT / 'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in str(p))
    assert len(pages) == len(src), (pages, src)
    for p in pages:
        nb = json.loads(p.read_text())
        for c in nb['cells']: c.pop('has_sd', None)                 # nbdev's marker for show_doc cells; Quarto ignores it
        html, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))
        assert '<html' in html and len(html) > 1000, p

def test_no_notebook_cell_mixes_imports_with_other_code():
    # nbdev's docs processing executes every cell that imports something; a test cell that also uses names from
    # cells it does not run then breaks the docs build (it did once). Imports go in cells of their own.
    import ast
    bad = []
    for f in sorted((ROOT / 'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in str(f): continue
        for i, c in enumerate(json.loads(f.read_text())['cells']):
            src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
            if c['cell_type'] != 'code' or any(l.strip().startswith('#| export') for l in src.splitlines()): continue
            try: tree = ast.parse(src)
            except SyntaxError: continue
            nodes = list(ast.walk(tree))
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes) and any(isinstance(n, (ast.Expr, ast.Assign)) for n in nodes):
                bad.append(f'{f.relative_to(ROOT)} cell {i}')
    assert not bad, bad
