"""Throughput of encoding and decoding at a million features, and the time of the minimum-n search.

Run: ``python benchmarks/representation_throughput.py [--m 1000000] [--batch 10000]``.
Prints inputs per second of ``encode`` and ``decode`` for each code on a batch
of random ``k``-sets, the errors of the decoded batch, the wall time of
``min_neurons``, and the time of the every-input certificate
(``certify_sparse_code``) at the union bound's ``n`` for each ``--certify-m``. Each code has the ``n`` predicted to decode ``--n-trials``
random inputs exactly. Sparse codes decode the whole batch; a dense code
costs ``2 m n`` flops per input, so it decodes ``--dense-decode-batch``
inputs and the time of the whole batch is extrapolated from them.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from superpos import representation as rep
from superpos.inputs import random_input_sets


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--m", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000, help="inputs encoded, and decoded by sparse codes")
    parser.add_argument("--n-trials", type=int, default=1000, help="n is the predicted minimum for this many inputs")
    parser.add_argument("--dense-decode-batch", type=int, default=1000, help="inputs decoded by the dense code")
    parser.add_argument("--search-m", type=int, default=10_000)
    parser.add_argument("--search-trials", type=int, default=1000)
    parser.add_argument("--certify-m", type=int, nargs="*", default=[1000, 10_000],
                        help="features at which the every-input certificate is timed (at the union bound's n)")
    args = parser.parse_args()
    m, k = args.m, args.k
    inputs = random_input_sets(m, k, args.batch, 0)
    truth = inputs.astype(np.float32)
    print(f"m={m} k={k} batch={args.batch}, decoder threads={rep.DECODE_THREADS}")
    for kind in ("sparse", "dense"):
        n = rep.predicted_min_neurons(m, k, args.n_trials, kind)
        if kind == "sparse":
            s = rep.best_sparse_size(n, k)
            code, t_code = timed(rep.sparse_code, m, n, s, 1)
            decoded_count = args.batch
        else:
            code, t_code = timed(rep.dense_code, m, n, 1)
            decoded_count = min(args.batch, args.dense_decode_batch)
        activations, t_encode = timed(rep.encode, code, inputs)
        decoded, t_decode = timed(rep.decode, code, activations[:decoded_count])
        wrong = decoded != truth[:decoded_count]
        false_positives = int((decoded > truth[:decoded_count]).nnz)
        rate = decoded_count / t_decode
        flops = f", {2 * m * n * rate / 1e9:.1f} GFLOP/s" if kind == "dense" else ""
        print(f"{kind:6s} n={n}{f' s={s}' if kind == 'sparse' else ''}: draw code {t_code:.2f} s; "
              f"encode {args.batch / t_encode:,.0f} inputs/s; decode {rate:,.0f} inputs/s "
              f"({decoded_count} inputs in {t_decode:.2f} s{flops}; the batch of {args.batch} takes "
              f"{args.batch / rate:.1f} s); wrong inputs {np.unique(wrong.nonzero()[0]).size}/{decoded_count}, "
              f"false positives {false_positives}, false negatives {wrong.nnz - false_positives}")
    for kind in ("sparse", "dense"):
        result, t_search = timed(rep.min_neurons, args.search_m, k, kind, args.search_trials, 0)
        print(f"min_neurons {kind:6s} m={args.search_m} k={k} trials={args.search_trials}: n_min={result.n_min}, "
              f"{len(result.probes)} probes, {t_search:.2f} s")
    curve, t_curve = timed(rep.min_neurons_curve, [100, 1000, 10_000], k, "sparse", 1000, 0)
    print(f"min_neurons_curve sparse m=[1e2,1e3,1e4] k={k} trials=1000: {curve.tolist()} in {t_curve:.2f} s")
    for m_cert in args.certify_m:
        n = rep.every_input_neurons_bound(m_cert, k)
        code = rep.sparse_code(m_cert, n, rep.best_sparse_size(n, k), 0)
        verdict, t_cert = timed(rep.certify_sparse_code, code, k)
        print(f"certify_sparse_code m={m_cert:,} n={n} s={code.s} k={k}: passed={verdict.passed}, "
              f"{verdict.n_input_sets:,} inputs decided, {verdict.nodes:,} partial covers examined, "
              f"{t_cert:.1f} s ({1e3 * t_cert / m_cert:.2f} ms per feature)")


if __name__ == "__main__":
    main()
