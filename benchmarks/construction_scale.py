"""Measure the AND construction at scale: build time, verification time, memory, neurons.

Usage::

    python benchmarks/construction_scale.py                  # m' = 10⁶, every family
    python benchmarks/construction_scale.py --m-out 100000 --random 20000 --adversarial 2000

For every family the network is built at m' (m = m', or 2m' for a matching,
m' + 1 for a star) in the layout with fewer neurons (one layer, or three
channels with blocks for hubs; ``superpos.layout.choose_layout``), then
checked on random k-sparse inputs and on adversarial inputs
(:func:`superpos.adversary.verify_adversarial`). The table sets the neurons beside
one neuron per AND (m + m'). A family whose network
would be larger than ``--max-neurons`` is measured at m'/10 instead, and the
table says so. Peak memory is the peak resident set size of this process.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from superpos.layout import build_and_network, choose_layout
from superpos.families import FAMILIES, default_n_inputs, make_pairs
from superpos.adversary import verify_adversarial
from superpos.verify import verify_random


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def stage(family: str, what: str, seconds: float, detail: str = "") -> None:
    print(f"{family:>10} {what:<12} {seconds:8.1f} s  peak {peak_memory_gb():6.2f} GB  {detail}", flush=True)


def measure(family: str, m_out: int, k: int, n_random: int, n_adversarial: int, n_candidates: int, seed: int,
            max_neurons: int, guarantee: str, failure_prob: float) -> dict:
    n_inputs = default_n_inputs(family, m_out)
    pairs = make_pairs(family, n_inputs, m_out, seed=seed)
    options = dict(failure_prob=failure_prob, guarantee=guarantee)
    while choose_layout(pairs, n_inputs, k, **options)[1].n_neurons > max_neurons and m_out > 1000:
        m_out //= 10
        n_inputs = default_n_inputs(family, m_out)
        pairs = make_pairs(family, n_inputs, m_out, seed=seed)
    start = time.perf_counter()
    net = build_and_network(pairs, n_inputs, k, seed=seed, **options)
    build = time.perf_counter() - start
    ratio = net.n_neurons / np.sqrt(m_out * np.log2(m_out))
    stage(family, "build", build, f"m'={m_out:,} {net.name} neurons={net.n_neurons:,} ratio={ratio:.2f} "
                                  f"params={net.n_params:,}")
    start = time.perf_counter()
    random = verify_random(net, pairs, k, n_random, seed=seed + 1, n_jobs=2) if n_random else None
    verify = time.perf_counter() - start
    if random is not None:
        stage(family, "random", verify, f"{random.wrong} wrong / {random.n_decisions:.3g} decisions")
    start = time.perf_counter()
    adversarial = (verify_adversarial(net, pairs, k, n_adversarial, seed=seed + 2, n_candidates=n_candidates,
                                      n_jobs=2) if n_adversarial else None)
    adversary = time.perf_counter() - start
    if adversarial is not None:
        stage(family, "adversarial", adversary, f"{adversarial.wrong} wrong / {adversarial.n_decisions:.3g} decisions")
    return {"family": family, "m_out": m_out, "neurons": net.n_neurons, "naive": n_inputs + m_out,
            "layers": len(net.layers), "params": net.n_params,
            "ratio": ratio, "build_s": build,
            "random": random, "verify_s": verify, "adversarial": adversarial, "adversary_s": adversary,
            "peak_gb": peak_memory_gb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--m-out", type=int, default=10**6)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--random", type=int, default=10**5, help="random inputs per family")
    parser.add_argument("--adversarial", type=int, default=10**4, help="adversarial inputs per family")
    parser.add_argument("--candidates", type=int, default=16, help="candidates per greedy step of the adversary")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--max-neurons", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--guarantee", default="every_input", choices=["every_input", "per_input"])
    parser.add_argument("--failure-prob", type=float, default=1e-6)
    args = parser.parse_args()
    header = (f"{'family':>10} {'m_out':>9} {'layers':>6} {'neurons':>8} {'m + m_out':>9} {'n/sqrt(m log2 m)':>17} {'params':>11} {'build s':>8} "
              f"{'random wrong/decisions':>26} {'verify s':>9} {'advers. wrong/decisions':>26} {'adv s':>7} {'peak GB':>8}")
    rows = []
    for family in args.families:
        rows.append(measure(family, args.m_out, args.k, args.random, args.adversarial, args.candidates, args.seed,
                            args.max_neurons, args.guarantee, args.failure_prob))
    print(header, flush=True)
    for row in rows:
        fmt = lambda e: "-" if e is None else f"{e.wrong}/{e.n_decisions:.3g}"
        print(f"{row['family']:>10} {row['m_out']:>9} {row['layers']:>6} {row['neurons']:>8} {row['naive']:>9} {row['ratio']:>17.2f} {row['params']:>11} "
              f"{row['build_s']:>8.1f} {fmt(row['random']):>26} {row['verify_s']:>9.1f} "
              f"{fmt(row['adversarial']):>26} {row['adversary_s']:>7.1f} {row['peak_gb']:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
