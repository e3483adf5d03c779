#!/usr/bin/env python3
"""The report labeler against human indexing: the Open-i development slice.

    python bench/label_openi.py [--data ../shared/data/openi]

Loads `indiana_reports.dev.csv` through `radphi2.reports.load_reports` (lenient: empty reports are skipped and
counted) and scores `radphi2.labeler.label_report` against `openi_labels14.dev.csv`: normal vs abnormal
accuracy (reports indexed `No Indexing` left out), and per-class precision/recall/F1 for every CheXpert class
with a mapped Open-i counterpart and at least 20 positives (uncertain counts as positive). The reports are
heavily templated, so the same figures are also printed on reports deduplicated by their findings and
impression text. Exits 0 with a message when the slice is absent.
"""
import argparse, csv, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=str(ROOT.parent / 'shared' / 'data' / 'openi'))
    ap.add_argument('--min-positives', type=int, default=20)
    a = ap.parse_args()
    d = Path(a.data)
    if not (d / 'indiana_reports.dev.csv').exists(): print(f'skipped: no Open-i slice at {d}'); return
    from radphi2.reports import load_reports
    from radphi2.labeler import score_against_openi, label_report, OPENI_UNMAPPED
    recs, rep = load_reports(d / 'indiana_reports.dev.csv', lenient=True)
    gold = {'CXR' + r['filename'][3:]: r for r in csv.DictReader(open(d / 'openi_labels14.dev.csv', encoding='utf-8'))}
    print(f"openi_reports_loaded: {rep['reports']} reports ({rep['skipped']} skipped: {rep['skip_reasons']})")
    seen, uniq = set(), []
    for r in recs:
        key = (r['sections'].get('findings', ''), r['sections'].get('impression', ''))
        if key not in seen: seen.add(key); uniq.append(r)
    for name, rs in (('all', recs), ('dedup', uniq)):
        sc = score_against_openi(rs, gold, a.min_positives)
        print(f"openi_{name}_scored: {sc['reports']} reports ({sc['unindexed_left_out']} 'No Indexing' left out)")
        print(f"openi_{name}_normal_abnormal_accuracy: {sc['normal_abnormal_accuracy']:.3f} fraction")
        print(f"openi_{name}_abnormal_recall: {sc['abnormal_recall']:.3f} fraction")
        print(f"openi_{name}_normal_recall: {sc['normal_recall']:.3f} fraction")
        for k, v in sorted(sc['classes'].items(), key=lambda kv: -kv[1]['positives']):
            print(f"openi_{name}_f1_{k.lower().replace(' ', '_')}: {v['f1']:.3f} F1 (n+={v['positives']}, P={v['precision']:.3f}, R={v['recall']:.3f}; uncertain as negative: F1 {v['f1_strict']:.3f})")
    print(f"openi_unmapped_classes: {', '.join(OPENI_UNMAPPED)} (no CheXpert counterpart)")
    from radphi2.labeler import label_sentence
    label_sentence.cache_clear()
    t0 = time.perf_counter()
    for r in recs: label_report(r)
    print(f"openi_labeling_speed_cold_cache: {len(recs) / (time.perf_counter() - t0):.0f} reports/s")

if __name__ == '__main__': main()
