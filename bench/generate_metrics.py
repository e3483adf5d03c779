#!/usr/bin/env python3
"""Generation and metric throughput on the tiny model.

    python bench/generate_metrics.py [--run runs/tiny] [--model radphi2] [--n 64]

1. Generation: `--n` impression prompts of the run's test split answered greedily (at most 48 new tokens)
   one at a time (the baseline) and in one left-padded batch (`radphi2.generate.generate_batch`, KV cache);
   prompts/s for each and the speed-up.
2. Metrics: ROUGE-L, the labeler-based CheXpert F1 per example and its corpus-level micro F1 over the 14
   observations, over 10,000 (prediction, reference) pairs made from synthetic impressions (pairs/s), and the
   time of 1,000 bootstrap resamples of the corpus-level figure.
"""
import argparse, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', default=str(ROOT / 'runs' / 'tiny'))
    ap.add_argument('--model', default='radphi2')
    ap.add_argument('--n', type=int, default=64)
    ap.add_argument('--pairs', type=int, default=10_000)
    ap.add_argument('--rounds', type=int, default=3)
    a = ap.parse_args()
    run = Path(a.run)
    if not (run / 'models' / a.model / 'model.safetensors').exists(): sys.exit(f'{run}: no model {a.model}; run `make paper` first')
    import torch
    from radphi2.core import read_jsonl
    from radphi2.generate import generate_batch
    from radphi2.models import format_prompt, load_base
    torch.set_num_threads(2)
    model, tok = load_base(str(run / 'models' / a.model)); model.eval()
    exs = [e for e in read_jsonl(run / 'data' / 'reports' / 'test.jsonl') if e['task'] == 'impression'][:a.n]
    prompts = [format_prompt(e['instruction'], e['input']) for e in exs]
    generate_batch(model, tok, prompts[:2], 8)                               # warm-up
    singles, batches = [], []
    for _ in range(a.rounds):                                                # alternate, so both see the same machine load
        t0 = time.perf_counter()
        for p in prompts: generate_batch(model, tok, [p], 48)
        singles.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); generate_batch(model, tok, prompts, 48); batches.append(time.perf_counter() - t0)
    t1, tb = statistics.median(singles), statistics.median(batches)
    print(f'generate_one_at_a_time: {len(prompts) / t1:.1f} prompts/s (baseline, {len(prompts)} prompts, median of {a.rounds} rounds)')
    print(f'generate_batched: {len(prompts) / tb:.1f} prompts/s (one batch of {len(prompts)}, median of {a.rounds} rounds)')
    print(f'generate_batched_speedup: {t1 / tb:.1f} x')
    from radphi2.synth import synth_reports
    imps = [r['sections'].get('impression', '') for r in synth_reports(a.pairs + 1, seed=3)]
    preds, refs = imps[:a.pairs], imps[1:a.pairs + 1]
    from radphi2.evaluate import bootstrap_stats
    from radphi2.metrics import metric_stats
    for m in ('rougeL', 'chexpert_f1', 'chexpert_micro_f1_14'):
        t0 = time.perf_counter(); st, agg = metric_stats(m, preds, refs); dt = time.perf_counter() - t0
        print(f'metric_{m}: {a.pairs / dt:.0f} pairs/s ({a.pairs} pairs)')
    t0 = time.perf_counter(); bootstrap_stats(st, agg, 1000); dt = time.perf_counter() - t0
    print(f'bootstrap_1000_resamples_corpus_f1: {dt:.2f} s ({a.pairs} pairs, 14 classes)')

if __name__ == '__main__': main()
