#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb without Quarto (which `nbdev_readme` needs and these machines lack).

Markdown cells are copied as they are; code cells without a `#| hide` directive become Python blocks.
`make test` runs this and fails when README.md would change, so the two never drift apart.
    python tools/build_readme.py            # rewrite README.md
    python tools/build_readme.py --check    # exit 1 if README.md is out of date
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def render(nb_path: Path) -> str:
    parts = []
    for c in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] == 'markdown': parts.append(src.strip())
        elif c['cell_type'] == 'code':
            lines = src.splitlines()
            if any(l.strip().replace(' ', '') in ('#|hide', '#|export', '#|exporti') for l in lines): continue
            code = '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip()
            if code: parts.append(f'```python\n{code}\n```')
    head = '<!-- Generated from nbs/index.ipynb by tools/build_readme.py: edit the notebook, not this file. -->\n\n'
    return head + '\n\n'.join(parts) + '\n'

def main(argv):
    text = render(ROOT / 'nbs' / 'index.ipynb')
    readme = ROOT / 'README.md'
    if '--check' in argv:
        if readme.read_text(encoding='utf-8') != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run python tools/build_readme.py')
        return
    if not readme.exists() or readme.read_text(encoding='utf-8') != text: readme.write_text(text, encoding='utf-8')

if __name__ == '__main__': main(sys.argv[1:])
