#!/usr/bin/env python3
"""Phi-2-shaped full fine-tuning throughput on one GPU: tokens/s and model FLOPs utilisation (MFU).

    python bench/gpu_sft_phi2.py [--steps 10] [--seq 2048] [--batch 4]     # on a GPU (H200 target: MFU >= 40%)
    python bench/gpu_sft_phi2.py --tiny --steps 3                          # the same code path on a CPU, for a smoke check

The real Phi-2 shape (`radphi2.models.phi2_config`: 2.78B parameters, 32 layers, hidden 2560) with random
weights in bf16 -- nothing is downloaded. Each row of `--seq` tokens packs several examples of random
lengths (64 to 1,024 tokens) with position ids restarting at each example, as SFT packing does; with
FlashAttention 2 (used when installed) attention stays within each example. Loss on every token, AdamW
(fused on CUDA), gradient checkpointing on, bf16 weights. The first two steps are warm-up and not timed.
MFU = (6 N + 12 L H S) x tokens/s / peak, with N parameters, L layers, H hidden size, S the row length,
and the peak dense bf16 throughput of the device (`--peak-tflops`, default 989 for an H100/H200 SXM).
"""
import argparse, random, time

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--seq', type=int, default=2048)
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--peak-tflops', type=float, default=989.0)
    ap.add_argument('--tiny', action='store_true', help='a tiny Phi on the CPU: checks the code path, measures nothing useful')
    a = ap.parse_args()
    import torch
    from transformers import PhiForCausalLM
    from radphi2.models import phi2_config, tiny_config
    cuda = torch.cuda.is_available()
    dev = 'cuda' if cuda else 'cpu'
    if not cuda and not a.tiny: raise SystemExit('no GPU: run on a GPU machine, or use --tiny for a CPU smoke check')
    try:
        import flash_attn  # noqa: F401
        attn = 'flash_attention_2' if cuda else 'sdpa'
    except ImportError: attn = 'sdpa'
    conf = tiny_config(2048, 160, 2, 4, 640, a.seq) if a.tiny else phi2_config()
    conf._attn_implementation = attn
    torch.manual_seed(0); random.seed(0)
    dtype = torch.bfloat16 if cuda else torch.float32
    with torch.device(dev): model = PhiForCausalLM(conf).to(dtype)
    getattr(model, 'activation_checkpointing_enable', model.gradient_checkpointing_enable)(); model.config.use_cache = False; model.train()
    n = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=cuda)
    def row():
        ids, pos = [], []
        while len(ids) < a.seq:
            k = min(random.randint(64, 1024), a.seq - len(ids))
            ids += [random.randrange(conf.vocab_size) for _ in range(k)]; pos += list(range(k))
        return ids, pos
    def batch():
        rows = [row() for _ in range(a.batch)]
        ids = torch.tensor([r[0] for r in rows], device=dev); pos = torch.tensor([r[1] for r in rows], device=dev)
        return ids, pos
    print(f'model: Phi shape, {n / 1e9:.2f}B parameters, {conf.num_hidden_layers} layers, hidden {conf.hidden_size}; attention {attn}; '
          f'dtype {dtype}; device {torch.cuda.get_device_name() if cuda else "cpu"}')
    times = []
    for step in range(a.steps):
        ids, pos = batch()
        if cuda: torch.cuda.synchronize()
        t0 = time.perf_counter()
        kw = {'position_ids': pos} if attn.startswith('flash') else {}
        loss = model(input_ids=ids, labels=ids, **kw).loss
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        if cuda: torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    timed = times[2:] or times
    tps = a.batch * a.seq * len(timed) / sum(timed)
    flops_per_token = 6 * n + 12 * conf.num_hidden_layers * conf.hidden_size * a.seq
    print(f'sft_tokens_per_second: {tps:.0f} tokens/s ({len(timed)} timed steps of {a.batch} x {a.seq} tokens; loss {loss.item():.3f})')
    print(f'sft_mfu: {100 * flops_per_token * tps / (a.peak_tflops * 1e12):.1f} % of {a.peak_tflops:.0f} TFLOPS')
    if cuda: print(f'sft_peak_memory: {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB')
    if not attn.startswith('flash'): print('note: FlashAttention 2 is not installed: rows were trained unpacked (no position-id packing), same compute')

if __name__ == '__main__': main()
