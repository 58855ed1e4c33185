"""Throughput of encoding and decoding at a million features, and the time of the minimum-n search.

Run: ``python benchmarks/representation_throughput.py [--m 1000000] [--batch 10000]``.
Prints inputs per second for each code and the wall time of ``min_neurons``.
"""

from __future__ import annotations

import argparse
import time

from superpos import representation as rep


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--m", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--decode-batch", type=int, default=1000, help="inputs decoded per code (full scans of m)")
    parser.add_argument("--search-m", type=int, default=10_000)
    parser.add_argument("--search-trials", type=int, default=1000)
    args = parser.parse_args()
    m, k = args.m, args.k
    inputs, _ = timed(rep.random_sparse_sets, args.batch, m, k, 0)
    for kind in ("sparse", "dense"):
        n = rep.predicted_min_neurons(m, k, args.decode_batch, kind)
        if kind == "sparse":
            s = rep.best_sparse_size(n, k)
            code, t_code = timed(rep.sparse_code, m, n, s, 1)
        else:
            code, t_code = timed(rep.dense_code, m, n, 1)
        activations, t_encode = timed(rep.encode, code, inputs)
        few = inputs[:args.decode_batch]
        errors, t_decode = timed(rep.decoding_errors, code, few)
        print(f"{kind:6s} m={m} k={k} n={n}{f' s={s}' if kind == 'sparse' else ''}: draw code {t_code:.2f} s, "
              f"encode {args.batch / t_encode:,.0f} inputs/s, decode+check {len(few) / t_decode:,.0f} inputs/s "
              f"({len(few) * m / t_decode:.3g} reads/s; wrong inputs {errors.wrong_inputs}/{errors.n_inputs}, "
              f"false positives {errors.false_positives}, false negatives {errors.false_negatives})")
    for kind in ("sparse", "dense"):
        result, t_search = timed(rep.min_neurons, args.search_m, k, kind, args.search_trials, 0)
        print(f"min_neurons {kind:6s} m={args.search_m} k={k} trials={args.search_trials}: n_min={result.n_min}, "
              f"{len(result.probes)} probes, {t_search:.2f} s")
    curve, t_curve = timed(rep.min_neurons_curve, [100, 1000, 10_000], k, "sparse", 1000, 0)
    print(f"min_neurons_curve sparse m=[1e2,1e3,1e4] k={k} trials=1000: {curve.tolist()} in {t_curve:.2f} s")


if __name__ == "__main__":
    main()
