#!/usr/bin/env python3
"""Report tasks at MIMIC-CXR scale: 200,000 synthetic reports through the labeler and all seven task builders.

    python bench/build_tasks.py [--n 200000]

Prints, one per line: generation speed; labeling speed of `radphi2.labeler.label_report` on every report
(as a pipeline runs it, sentence cache on; the cache hit rate is printed) and, as the baseline, on the first
5,000 reports with the cache cleared before each report; the whole task build (labels + `build_examples` for
all tasks + the general mix + JSONL per split) in seconds; and peak memory.
"""
import argparse, resource, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def peak_mib() -> float:
    "Peak resident memory of this process and of its largest worker."
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=200_000)
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    from radphi2.synth import synth_reports
    from radphi2.labeler import label_report, label_sentence, label_many
    from radphi2.tasks import build_examples, TASKS
    from radphi2.general import load_instructions, general_examples
    from radphi2.core import write_jsonl
    t0 = time.perf_counter(); reps = synth_reports(a.n, seed=0); dt = time.perf_counter() - t0
    print(f'synth_generation: {a.n / dt:.0f} reports/s ({dt:.1f} s)')
    base = reps[:20000]
    t0 = time.perf_counter(); label_many(base, 1, cache=False)
    r1 = len(base) / (time.perf_counter() - t0)
    print(f'labeling_no_cache_1proc: {r1:.0f} reports/s (baseline, first {len(base)} reports, cache cleared per report)')
    t0 = time.perf_counter(); label_many(base, a.workers, cache=False)
    r2 = len(base) / (time.perf_counter() - t0)
    print(f'labeling_no_cache_{a.workers}proc: {r2:.0f} reports/s ({r2 / r1:.2f} x)')
    label_sentence.cache_clear()
    t_build = time.perf_counter()
    t0 = time.perf_counter()
    for r, lab in zip(reps, label_many(reps, a.workers)): r['_labels'] = lab     # as the pipeline runs it: the task builders read these
    dt = time.perf_counter() - t0
    print(f'labeling: {a.n / dt:.0f} reports/s ({a.workers} processes, sentence cache on, {dt:.1f} s)')
    t0 = time.perf_counter()
    ex, sk = build_examples(reps, [t for t in TASKS if TASKS[t].from_reports], seed=0)
    gen, _ = load_instructions(str(ROOT / 'data' / 'general' / 'general_instructions.jsonl'))
    ex += general_examples(gen, sum(e['split'] == 'train' for e in ex), 0.5, 0, 0)
    print(f'task_builders: {a.n / (time.perf_counter() - t0):.0f} reports/s ({len(ex)} examples, {len(TASKS)} tasks)')
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        for s in ('train', 'validation', 'test'): write_jsonl(Path(d) / f'{s}.jsonl', [e for e in ex if e['split'] == s])
        print(f'jsonl_write: {len(ex) / (time.perf_counter() - t0):.0f} examples/s')
    print(f'task_build_total: {time.perf_counter() - t_build:.1f} s (labels + all tasks + general mix + JSONL, {a.n} reports)')
    print(f'task_build_peak_memory: {peak_mib():.0f} MiB')

if __name__ == '__main__': main()
