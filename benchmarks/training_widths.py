"""Smallest trained hidden width per m' and family, with training times (prints a table).

Usage: python benchmarks/training_widths.py [--m-out 100 300] [--families uniform star] [--ratios 0.5 0.7 1 1.4]
       [--per-pair 2560] [--min-steps 1000] [--n-jobs 2] [--target neurons]

Trains one-hidden-layer networks (superpos.training) at hidden widths h = ratio · m' in increasing order
until one decides every held-out input right (a budget of ``per_pair`` planted presentations of each pair,
as in the chapter), and prints, per (m', family): the width found, the network's
neurons (all layers), the training seconds of every width tried and the held-out wrong decisions.
Timings depend on the machine's load; run it on a quiet machine for figures to quote.
"""

import argparse
import time

import numpy as np

from superpos.families import default_n_inputs, make_pairs
from superpos.training import TrainingSettings, search_trained_width


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m-out", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--families", nargs="+", default=["uniform", "star"])
    parser.add_argument("--ratios", type=float, nargs="+", default=[0.5, 0.7, 1.0, 1.4, 2.0])
    parser.add_argument("--per-pair", type=float, default=2560.0)
    parser.add_argument("--min-steps", type=int, default=1000)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--n-held-out", type=int, default=2000)
    parser.add_argument("--target", default="neurons")
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'family':>10} {'m_out':>6} {'h':>6} {'neurons':>8} {'steps':>6} {'seconds':>8} {'fp':>6} {'fn':>6}")
    for family in args.families:
        for m_out in args.m_out:
            m = default_n_inputs(family, m_out)
            pairs = make_pairs(family, m, m_out, seed=args.seed)
            settings = TrainingSettings.for_presentations(1, m_out, args.per_pair, args.min_steps, target=args.target)
            widths = sorted({max(1, int(round(r * m_out))) for r in args.ratios})
            started = time.perf_counter()
            search = search_trained_width(pairs, m, args.k, widths, settings, seed=args.seed,
                                          n_held_out=args.n_held_out, n_jobs=args.n_jobs, progress=True)
            table = search.table
            for j in range(len(table["hidden_width"])):
                print(f"{family:>10} {m_out:>6} {table['hidden_width'][j]:>6} {table['n_neurons'][j]:>8} "
                      f"{table['steps_run'][j]:>6} {table['seconds'][j]:>8.1f} {table['false_positives'][j]:>6} "
                      f"{table['false_negatives'][j]:>6}", flush=True)
            print(f"{family:>10} {m_out:>6} smallest width {search.smallest_width}, "
                  f"search {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
