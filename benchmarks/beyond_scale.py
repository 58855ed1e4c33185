"""Measure the constructions beyond pairwise AND at scale: build, certificate, random and adversarial checks.

Usage::

    python benchmarks/beyond_scale.py                          # permutation at m' = 10⁶
    python benchmarks/beyond_scale.py --task q_and --q 3 --m-out 10000 --certify
    python benchmarks/beyond_scale.py --task circuit --m-out 3000

``permutation`` builds a random permutation sized by the proved bound,
``q_and`` m' random q-tuples of m = m' inputs (k = q + 1) sized by the
heuristic bound; each is then checked on random k-sparse inputs and on
adversarial ones (:mod:`superpos.gate_adversary`), and with ``--certify`` by
the exact certificate over every input. ``circuit`` builds the AND of ANDs of
depth 4 (k = 3) and the OR, AND, OR circuit (k = 2) with ``--m-out`` wires per
depth, with the clamp, and times the depth table of the chapter
(:func:`superpos.beyond.depth_table`). Peak memory is the peak resident set
size of this process. Times are wall-clock, and other work on the machine
inflates them.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from superpos import beyond
from superpos.certificate import certify
from superpos.circuits import and_of_ands, layered_circuit


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def stage(what: str, seconds: float, detail: str = "") -> None:
    print(f"{what:<14} {seconds:8.1f} s  peak {peak_memory_gb():6.2f} GB  {detail}", flush=True)


def gates(args) -> None:
    k = args.k if args.task == "permutation" else args.q + 1
    start = time.perf_counter()
    table, network, instance = beyond.gate_curve(args.task, [args.m_out], k, q=args.q, seed=args.seed,
                                                 failure_prob=args.failure_prob)
    m_out = args.m_out
    stage("build", time.perf_counter() - start,
          f"m'={m_out:,} s={table['code_size'][0]} q0={table['q_in'][0]} t={table['output_code_size'][0]} "
          f"q1={table['q_out'][0]} neurons={network.n_neurons:,} ({network.n_neurons / table['lower_neurons'][0]:.1f}"
          f" x bound, {network.n_neurons / np.sqrt(m_out * np.log2(m_out)):.1f} x sqrt(m' log2 m')) "
          f"params={network.n_params:,} ({network.n_params / table['lower_params'][0]:.1f} x bound) "
          f"failure bound={table['failure_bound'][0]:.2g}")
    if args.certify:
        start = time.perf_counter()
        verdict = certify(network, instance, k, n_jobs=args.jobs, progress=True)
        stage("certificate", time.perf_counter() - start,
              f"{'passed' if verdict.passed else 'FAILED'} over {verdict.n_input_sets:.3g} inputs "
              f"({verdict.false_positives} false positives, {verdict.false_negatives} false negatives)")
    start = time.perf_counter()
    result = beyond.verify_at_scale(network, instance, k, args.random, args.adversarial, seed=args.seed + 1,
                                    n_jobs=args.jobs)
    for kind, count in result.items():
        stage(kind, time.perf_counter() - start, f"{count.wrong} wrong / {count.n_decisions:.3g} decisions "
                                                 f"({count.n_input_sets:,} inputs)")


def circuits(args) -> None:
    for name, circuit, k in [("AND of ANDs", and_of_ands(args.m_out, args.m_out, 4, seed=args.seed, fan_out=2), 3),
                             ("OR, AND, OR", layered_circuit(args.m_out, [args.m_out] * 3, ["or", "and", "or"],
                                                             seed=args.seed, fan_out=2), 2)]:
        start = time.perf_counter()
        table = beyond.depth_table(circuit, k, seed=args.seed, failure_prob=args.failure_prob,
                                   n_random=args.random, n_planted=args.random // 4, n_adversarial=args.adversarial)
        wrong = {cleanup: [sum(errors.wrong[d] for errors in kinds.values())
                           for d in range(circuit.depth)] for cleanup, kinds in table["errors"].items()}
        stage(name, time.perf_counter() - start, f"sparsity {table['sparsity']} neurons {table['neurons']} "
                                                 f"wrong by depth {wrong} layers certified "
                                                 f"{[v.passed for v in table['layer_certificates']]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="permutation", choices=["permutation", "q_and", "circuit"])
    parser.add_argument("--m-out", type=int, default=10**6)
    parser.add_argument("--k", type=int, default=3, help="active inputs of a permutation")
    parser.add_argument("--q", type=int, default=3, help="inputs per AND of a q-AND (k = q + 1)")
    parser.add_argument("--random", type=int, default=10**5)
    parser.add_argument("--adversarial", type=int, default=200)
    parser.add_argument("--certify", action="store_true", help="run the exact certificate too")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--failure-prob", type=float, default=1e-6)
    args = parser.parse_args()
    if args.task == "circuit":
        circuits(args)
    else:
        gates(args)


if __name__ == "__main__":
    main()
