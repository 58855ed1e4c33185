"""Measure verification at scale: build an AND network, then count its errors.

Run from the repository root::

    python benchmarks/verify_throughput.py [--n-outputs 1000000] [--k 3] [--samples 100000]
        [--adversarial 10000] [--family uniform] [--n-jobs 2] [--batch-size 1024]

Prints the network's size (neurons, parameters, ratio of neurons to
√(m' log₂ m')), the wall time to build it, to verify random inputs and to
build and verify adversarial ones, the error counts, and the peak resident
memory of this process and of its worker processes.
"""

from __future__ import annotations

import argparse
import resource
import time
from math import log2, sqrt

from superpos import families, verify
from superpos.construction import build_and_network


def peak_memory_gb() -> tuple[float, float]:
    """Peak resident set size (GB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-outputs", type=float, default=1e6)
    parser.add_argument("--n-inputs", type=float, default=None, help="defaults to n_outputs")
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--family", default="uniform", choices=families.FAMILIES)
    parser.add_argument("--samples", type=float, default=1e5)
    parser.add_argument("--adversarial", type=float, default=1e4)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n_outputs = int(args.n_outputs)
    n_inputs = int(args.n_inputs or args.n_outputs)

    start = time.perf_counter()
    pairs = families.make_pairs(args.family, n_inputs, n_outputs, seed=args.seed)
    print(f"pairs: {args.family}, m = {n_inputs}, m' = {n_outputs}, k = {args.k} "
          f"({time.perf_counter() - start:.1f} s)")

    start = time.perf_counter()
    network = build_and_network(pairs, n_inputs, args.k, seed=args.seed)
    build_time = time.perf_counter() - start
    ratio = network.n_neurons / sqrt(n_outputs * log2(n_outputs))
    print(f"build: {build_time:.1f} s; {network!r}")
    print(f"neurons {network.n_neurons}, neurons / sqrt(m' log2 m') = {ratio:.2f}, "
          f"params {network.n_params}, bits {network.n_bits}")

    start = time.perf_counter()
    random = verify.verify_random(network, pairs, args.k, int(args.samples), seed=args.seed + 1,
                                  batch_size=args.batch_size, n_jobs=args.n_jobs)
    random_time = time.perf_counter() - start
    print(f"random: {random.n_inputs} inputs in {random_time:.1f} s "
          f"({random.n_inputs / random_time:.0f} inputs/s); wrong {random.wrong} of {random.n_decisions} decisions "
          f"(FP {random.false_positives}, FN {random.false_negatives})")

    if args.adversarial:
        start = time.perf_counter()
        adversarial = verify.verify_adversarial(network, pairs, args.k, int(args.adversarial), seed=args.seed + 2,
                                                batch_size=args.batch_size, n_jobs=args.n_jobs)
        adversarial_time = time.perf_counter() - start
        print(f"adversarial: {adversarial.n_inputs} inputs in {adversarial_time:.1f} s; wrong {adversarial.wrong} "
              f"of {adversarial.n_decisions} decisions (FP {adversarial.false_positives}, "
              f"FN {adversarial.false_negatives})")

    own, children = peak_memory_gb()
    print(f"peak memory: {own:.2f} GB (this process), {children:.2f} GB (largest worker)")


if __name__ == "__main__":
    main()
