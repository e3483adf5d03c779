#!/usr/bin/env python3
"""Knowledge-QA curation throughput on a 20,000-article synthetic dump.

    python bench/curate_articles.py [--n 20000] [--workers 2]

The dump is made by replicating the embedded articles with perturbations (new ids and titles, sentences of
each section shuffled, a random word dropped), written as Radiopaedia-style HTML files into a temporary
folder. The whole curation (`radphi2.qa.build_qa`: parse, clean, pairs, token budget, split, near-duplicates,
dataset and card) is timed, once with one process (the baseline) and once with `--workers`.
Prints articles per second, the speed-up over one process, and peak memory (resident set, this process and
its workers).
"""
import argparse, random, re, resource, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def make_dump(n: int, dest: Path, seed: int = 0) -> int:
    rng = random.Random(seed)
    pages = [p.read_text(encoding='utf-8') for p in sorted((ROOT / 'data' / 'articles').glob('*.html'))]
    def perturb_p(m):
        sents = re.split(r'(?<=\.) ', m.group(1))
        rng.shuffle(sents)
        words = ' '.join(sents).split(' ')
        if len(words) > 8: words.pop(rng.randrange(len(words)))
        return '<p>' + ' '.join(words) + '</p>'
    for i in range(n):
        page = pages[i % len(pages)]
        page = re.sub(r'data-article-id="[^"]*"', f'data-article-id="syn-{i:06d}"', page)
        page = re.sub(r'(<h1 class="article-title">)([^<]*)', lambda m: f'{m.group(1)}{m.group(2)} (variant {i // len(pages)})', page)
        page = re.sub(r'<p>([^<]{40,})</p>', perturb_p, page)
        (dest / f'{i:06d}.html').write_text(page, encoding='utf-8')
    return n

def peak_mib() -> float:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=20000)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--skip-baseline', action='store_true', help='time only the multi-process run')
    a = ap.parse_args()
    from radphi2.qa import build_qa
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / 'dump'; src.mkdir()
        t0 = time.perf_counter(); make_dump(a.n, src); t_make = time.perf_counter() - t0
        print(f'dump_written: {a.n} articles in {t_make:.1f} s')
        runs = ([] if a.skip_baseline else [1]) + [a.workers]
        rates = {}
        for w in runs:
            t0 = time.perf_counter()
            card = build_qa(src, Path(d) / f'qa{w}', workers=w, log=lambda s: None)
            dt = time.perf_counter() - t0
            rates[w] = a.n / dt
            print(f'curate_articles_{w}proc: {rates[w]:.0f} articles/s ({dt:.1f} s, {sum(card["pairs"].values())} pairs, '
                  f'{card["near_duplicates"]["groups"]} near-duplicate groups)')
        if 1 in rates and a.workers != 1: print(f'curate_speedup_{a.workers}proc: {rates[a.workers] / rates[1]:.2f} x')
        print(f'curate_peak_memory: {peak_mib():.0f} MiB')

if __name__ == '__main__': main()
