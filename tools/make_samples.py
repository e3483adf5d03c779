#!/usr/bin/env python3
"""Regenerate the project's sample corpora in data/samples/, the files the report loaders are tested against.

    .venv/bin/python tools/make_samples.py

Writes 12 reports per format, taken from `radphi2.synth.synth_reports(40, seed=7)`:
data/samples/mimic/ (files/p1X/p1XXXXXXX/s5XXXXXXX.txt plus the split and metadata .csv.gz),
data/samples/chexpert/df_chexpert_plus_240401.csv, data/samples/openi-xml/ecgen-radiology/<n>.xml and
data/samples/openi-csv/indiana_reports.csv. MIMIC and CheXpert get whole patients, patients with priors
first; the Open-i formats get first studies only (Open-i has no patients). Deterministic: rerunning
rewrites the same bytes.
"""
from pathlib import Path
from radphi2.synth import synth_reports, write_corpus, FORMATS

ROOT = Path(__file__).resolve().parent.parent
N = 12

def whole_patients(records, n=N):
    "Exactly `n` records made of whole patients, patients with priors first."
    by = {}
    for r in records: by.setdefault(r['patient_id'], []).append(r)
    groups = sorted(by.values(), key=lambda g: -(len(g) > 1))  # stable: multi-study patients first, then in order
    out = []
    for g in groups:
        if len(out) + len(g) <= n: out += g
    assert len(out) == n and any(r['study_order'] > 1 for r in out), 'cannot pick whole patients'
    return sorted(out, key=lambda r: r['report_id'])

def main(dest=ROOT / 'data' / 'samples'):
    records = synth_reports(40, seed=7)
    firsts = [r for r in records if r['study_order'] == 1][:N]
    assert len(firsts) == N
    for fmt in FORMATS:
        paths = write_corpus(whole_patients(records) if fmt in ('mimic', 'chexpert') else firsts, dest / fmt, fmt)
        print(f'{fmt:10s} {len(paths):3d} files under {dest / fmt}')

if __name__ == '__main__': main()
