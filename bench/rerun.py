#!/usr/bin/env python3
"""How long `reproduce` takes when nothing changed, against the full run that built the folder.

    python bench/rerun.py [--out runs/tiny]

Builds the run folder with `radphi2 reproduce --profile tiny` if it is not complete (that full run is the
baseline), then times a second `reproduce` on it, which must skip every stage. Prints one figure a line.
"""
import argparse, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / 'radphi2'
ENV = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TOKENIZERS_PARALLELISM': 'false'}

def reproduce(out):
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN), 'reproduce', '--profile', 'tiny', '--out', str(out)], capture_output=True, text=True, env=ENV, cwd=ROOT)
    if r.returncode: sys.exit(f'reproduce failed:\n{r.stderr}')
    return time.perf_counter() - t0, r.stdout

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=str(ROOT / 'runs' / 'tiny'))
    out = Path(ap.parse_args().out)
    full, log = reproduce(out)
    ran = log.count('] done in')
    again, log2 = reproduce(out)
    skipped = log2.count('up to date, skipped')
    print(f'first_run: {full:.1f} s ({ran} stages ran)')
    print(f'rerun_nothing_changed: {again:.2f} s ({skipped} stages skipped)')
    if ran: print(f'rerun_speedup: {full / again:.0f} x')

if __name__ == '__main__': main()
