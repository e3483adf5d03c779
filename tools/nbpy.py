#!/usr/bin/env python3
"""Edit notebooks as plain text, for people who prefer an editor to JupyterLab.

    python tools/nbpy.py topy nbs/00_core.ipynb > /tmp/00_core.py   # notebook -> text
    python tools/nbpy.py tonb /tmp/00_core.py nbs/00_core.ipynb     # text -> notebook

The text format: a line `# %%` starts a code cell, `# %% [markdown]` a Markdown cell, `# %% [raw]` a raw
cell, and `# %% tags=parameters` a code cell tagged for papermill. Markdown and raw lines are commented
with `# `, as in jupytext's percent format; code is written as is. Run `nbdev_clean` after `tonb`; the notebooks stay the source of the library.
"""
import json, re, sys
from pathlib import Path

_MARK = re.compile(r'^# %%(?: \[(markdown|raw)\])?(?: tags=([\w,]+))?\s*$')

def text_to_cells(text):
    cells, cur = [], None
    for line in text.splitlines():
        m = _MARK.match(line)
        if m:
            if cur is not None: cells.append(cur)
            cur = {'type': m.group(1) or 'code', 'tags': (m.group(2) or '').split(',') if m.group(2) else [], 'lines': []}
        elif cur is not None: cur['lines'].append(line)
    if cur is not None: cells.append(cur)
    out = []
    for c in cells:
        lines = c['lines']
        while lines and not lines[-1].strip(): lines.pop()
        while lines and not lines[0].strip(): lines.pop(0)
        if c['type'] != 'code': lines = [l[2:] if l.startswith('# ') else l[1:] if l.startswith('#') else l for l in lines]
        src = [l + '\n' for l in lines]
        if src: src[-1] = src[-1].rstrip('\n')
        cell = {'cell_type': c['type'], 'metadata': {'tags': c['tags']} if c['tags'] else {}, 'source': src}
        if c['type'] == 'code': cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return out

def tonb(src, dest):
    cells = text_to_cells(Path(src).read_text())
    nb = {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
          'nbformat': 4, 'nbformat_minor': 5}
    Path(dest).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def topy(nb):
    out = []
    for c in json.loads(Path(nb).read_text())['cells']:
        head = '# %%' + (f" [{c['cell_type']}]" if c['cell_type'] != 'code' else '')
        tags = c.get('metadata', {}).get('tags')
        if tags: head += ' tags=' + ','.join(tags)
        src = c['source'] if isinstance(c['source'], str) else ''.join(c['source'])
        if c['cell_type'] != 'code': src = '\n'.join(('# ' + l).rstrip() for l in src.splitlines())
        out.append(head + '\n' + src + '\n')
    return '\n'.join(out)

if __name__ == '__main__':
    cmd, *args = sys.argv[1:]
    if cmd == 'tonb': tonb(*args)
    elif cmd == 'topy': sys.stdout.write(topy(*args))
    else: sys.exit(__doc__)
