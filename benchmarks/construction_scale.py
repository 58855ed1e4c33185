"""Measure the AND construction at scale: build time, verification time, memory, neurons.

Usage::

    python benchmarks/construction_scale.py                  # m' = 10⁶, every family
    python benchmarks/construction_scale.py --m-out 100000 --random 20000 --adversarial 2000

For every family the network is built at m' (m = m', or 2m' for a matching,
m' + 1 for a star) in the construction's own layout with fewer neurons (one
layer, or three channels with blocks for hubs;
``superpos.construction.construction_network``, which never substitutes one
neuron per AND), then, with ``--certify``, decided on every input by the exact
certificate (one-layer networks, and two-layer ones up to ``--certify-two-layer``
outputs), and checked on random k-sparse inputs and on adversarial inputs
(:func:`superpos.adversary.verify_adversarial`). The table sets the neurons beside
uniform pairs at the same m' and one neuron per AND (m + m'). A family whose
network would be larger than ``--max-neurons`` is measured at m'/10 instead,
and the table says so. Peak memory is the peak resident set size of this
process.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from superpos.adversary import verify_adversarial
from superpos.certificate import certify
from superpos.construction import construction_network
from superpos.families import FAMILIES, default_n_inputs, make_pairs
from superpos.layout import choose_layout
from superpos.verify import verify_random


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def stage(family: str, what: str, seconds: float, detail: str = "") -> None:
    print(f"{family:>10} {what:<12} {seconds:8.1f} s  peak {peak_memory_gb():6.2f} GB  {detail}", flush=True)


def measure(family: str, m_out: int, k: int, n_random: int, n_adversarial: int, n_candidates: int, seed: int,
            max_neurons: int, guarantee: str, failure_prob: float, certify_two_layer: int | None) -> dict:
    n_inputs = default_n_inputs(family, m_out)
    pairs = make_pairs(family, n_inputs, m_out, seed=seed)
    options = dict(failure_prob=failure_prob, guarantee=guarantee)
    while (guarantee != "proved" and choose_layout(pairs, n_inputs, k, **options)[1].n_neurons > max_neurons
           and m_out > 1000):
        m_out //= 10
        n_inputs = default_n_inputs(family, m_out)
        pairs = make_pairs(family, n_inputs, m_out, seed=seed)
    start = time.perf_counter()
    net = construction_network(pairs, n_inputs, k, seed=seed, **options)
    build = time.perf_counter() - start
    ratio = net.n_neurons / np.sqrt(m_out * np.log2(m_out))
    stage(family, "build", build, f"m'={m_out:,} {net.name} neurons={net.n_neurons:,} ratio={ratio:.2f} "
                                  f"params={net.n_params:,}")
    verdict = None
    if certify_two_layer is not None and (len(net.layers) == 1 or m_out <= certify_two_layer):
        verdict = certify(net, pairs, k, max_witnesses=1, n_jobs=2)
        stage(family, "certificate", verdict.seconds, f"{'passed' if verdict.passed else 'FAILED'}: "
                                                     f"{verdict.n_input_sets:.3g} inputs decided")
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
            "layers": len(net.layers), "params": net.n_params, "certificate": verdict,
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
    parser.add_argument("--guarantee", default="every_input", choices=["every_input", "per_input", "proved"])
    parser.add_argument("--certify", action="store_true", help="decide one-layer networks on every input")
    parser.add_argument("--certify-two-layer", type=int, default=0,
                        help="with --certify, also decide three-channel networks of at most this many outputs")
    parser.add_argument("--failure-prob", type=float, default=1e-6)
    args = parser.parse_args()
    header = (f"{'family':>15} {'m_out':>9} {'layers':>6} {'neurons':>8} {'/uniform':>8} {'m + m_out':>9} "
              f"{'n/sqrt(m log2 m)':>17} {'params':>11} {'build s':>8} {'certificate':>20} "
              f"{'random wrong/decisions':>26} {'verify s':>9} {'advers. wrong/decisions':>26} {'adv s':>7} "
              f"{'peak GB':>8}")
    rows = []
    for family in args.families:
        rows.append(measure(family, args.m_out, args.k, args.random, args.adversarial, args.candidates, args.seed,
                            args.max_neurons, args.guarantee, args.failure_prob,
                            args.certify_two_layer if args.certify else None))
    print(header, flush=True)
    uniform = {row["m_out"]: row["neurons"] for row in rows if row["family"] == "uniform"}
    for row in rows:
        fmt = lambda e: "-" if e is None else f"{e.wrong}/{e.n_decisions:.3g}"
        verdict = row["certificate"]
        decided = "-" if verdict is None else f"{'passed' if verdict.passed else 'FAILED'} {verdict.seconds:.0f} s"
        over = f"{row['neurons'] / uniform[row['m_out']]:.2f}" if row["m_out"] in uniform else "-"
        print(f"{row['family']:>15} {row['m_out']:>9} {row['layers']:>6} {row['neurons']:>8} {over:>8} "
              f"{row['naive']:>9} {row['ratio']:>17.2f} {row['params']:>11} {row['build_s']:>8.1f} {decided:>20} "
              f"{fmt(row['random']):>26} {row['verify_s']:>9.1f} {fmt(row['adversarial']):>26} "
              f"{row['adversary_s']:>7.1f} {row['peak_gb']:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
