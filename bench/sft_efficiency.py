#!/usr/bin/env python3
"""SFT efficiency on the tiny datasets: packing vs padding, and the trainer against a hand-written loop.

    python bench/sft_efficiency.py [--run runs/tiny] [--steps 30]

Needs a run folder made by `make paper` (or `radphi2 curate` + `radphi2 train`) for its data and tiny base.
1. Non-pad fraction: the Rad-Phi2 training examples tokenized as TRL does (prompt + completion + end-of-text),
   batched 16 at a time padded to the longest (the baseline), and packed by TRL's best-fit-decreasing into
   rows of max_length, then batched 16 rows at a time.
2. Throughput: `radphi2.sft`'s trainer (TRL's SFTTrainer without its per-step token metrics, padded batches) for `--steps` steps against a minimal PyTorch
   loop (forward, loss on completion tokens, backward, AdamW, cosine schedule) on the same model and the
   same batches; tokens/s for each and their ratio.
"""
import argparse, math, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', default=str(ROOT / 'runs' / 'tiny'))
    ap.add_argument('--model', default='radphi2')
    ap.add_argument('--steps', type=int, default=30)
    a = ap.parse_args()
    run = Path(a.run)
    if not (run / 'models' / 'tiny-base' / 'model.safetensors').exists(): sys.exit(f'{run}: no tiny base; run `make paper` first')
    import torch
    from trl.data_utils import pack_dataset
    from radphi2.config import read_config
    from radphi2.core import RunDir
    from radphi2.models import load_base
    from radphi2.pipeline import split_examples
    from radphi2.sft import sft_args, sft_dataset, trainer_class
    cfg = read_config(run / 'config.yaml'); tc = cfg.train[a.model]
    model, tok = load_base(str(run / 'models' / 'tiny-base'))
    ds, _ = sft_dataset(split_examples(RunDir(run), 'train', tc.tasks), tok, tc.max_length, tc.long_examples)
    trainer = trainer_class(tc.token_metrics)(model=model, args=sft_args(tc, '/tmp/radphi2-bench', cfg.seed, False, a.steps), train_dataset=ds, processing_class=tok)
    tds = trainer.train_dataset
    lens = [len(x) for x in tds['input_ids']]
    B = tc.batch_size
    pad = sum(sum(lens[i:i + B]) / (B_ * max(lens[i:i + B])) * B_ for i in range(0, len(lens), B) for B_ in [len(lens[i:i + B])]) / len(lens)
    packed = pack_dataset(tds.select_columns(['input_ids']), tc.max_length, 'bfd')
    plens = [len(x) for x in packed['input_ids']]
    pk = sum(plens) / sum(len(plens[i:i + B]) * max(plens[i:i + B]) for i in range(0, len(plens), B))
    print(f'nonpad_fraction_padded: {pad:.3f} fraction (batches of {B}, padded to the longest)')
    print(f'nonpad_fraction_packed: {pk:.3f} fraction (best-fit decreasing into rows of {tc.max_length}, batches of {B} rows)')
    print(f'packing_gain: {pk / pad:.2f} x')
    # throughput: trainer vs hand loop on the same batches
    dl = trainer.get_train_dataloader()
    batches = []
    for b in dl:
        batches.append({k: v for k, v in b.items()})
        if len(batches) == a.steps: break
    W = 3                                                      # warm-up steps left out of both timings
    ntok = sum(int(b['attention_mask'].sum()) for b in batches[W:])
    from transformers import TrainerCallback
    stamps = []
    class Clock(TrainerCallback):
        def on_step_end(self, args, state, control, **kw): stamps.append(time.perf_counter())
    trainer.add_callback(Clock())
    trainer.train(); t_tr = stamps[-1] - stamps[W - 1]
    m2, _ = load_base(str(run / 'models' / 'tiny-base')); m2.train()
    opt = torch.optim.AdamW(m2.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    warm = math.ceil(tc.warmup_ratio * a.steps)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, a.steps - warm))))
    for i, b in enumerate(batches):
        if i == W: t0 = time.perf_counter()
        out = m2(input_ids=b['input_ids'], attention_mask=b['attention_mask'], labels=b['labels'])
        out.loss.backward(); torch.nn.utils.clip_grad_norm_(m2.parameters(), 1.0); opt.step(); sched.step(); opt.zero_grad()
    t_loop = time.perf_counter() - t0
    print(f'trainer_throughput: {ntok / t_tr:.0f} tokens/s (steps {W + 1}-{a.steps}, {t_tr:.1f} s, logging every 10 steps)')
    print(f'hand_loop_throughput: {ntok / t_loop:.0f} tokens/s (baseline, same model and batches)')
    print(f'trainer_vs_loop: {t_loop / t_tr:.2f} ratio')

if __name__ == '__main__': main()
