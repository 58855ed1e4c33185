"""Neurons, build time and certificate time of the decoded layout (superpos.decoded) on dense pair graphs.

Usage::

    python benchmarks/decoded_scale.py                                  # clique and near clique, 10⁴ and 10⁵
    python benchmarks/decoded_scale.py --outputs 10000 100000 1000000 --certify-max 100000

For each family and m' (k = 3, δ = 10⁻⁶, seed 0, m from
``default_n_inputs``): the decoded network's sizes and neurons beside the
one-layer network for uniform pairs at the same m' (the ratio the
construction chapter reports), one neuron per AND (m + m'), the seconds to
size and to build it, and, up to ``--certify-max``, the exact certificate
(every subset of the v vertices of at most k members, which by the decode
Lemma decides every input) with its seconds and wrong outputs.
"""

from __future__ import annotations

import argparse
import time
from math import comb, log2, sqrt

from superpos.certificate import certify
from superpos.decoded import build_decoded_and_network, decoded_sizes
from superpos.families import default_n_inputs, make_pairs
from superpos.layout import naive_n_neurons
from superpos.one_layer import one_layer_sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--families", nargs="+", default=["clique", "near_clique"])
    parser.add_argument("--certify-max", type=int, default=10_000, help="certify networks up to this m'")
    args = parser.parse_args()
    print("family  m'  v  neurons  /sqrt(m' log2 m')  /uniform  /one-per-AND  sizes  size_s  build_s  "
          "subsets  certificate_s  wrong_outputs")
    for m_out in args.outputs:
        uniform = one_layer_sizes(make_pairs("uniform", default_n_inputs("uniform", m_out), m_out, seed=0),
                                  default_n_inputs("uniform", m_out), 3, 1e-6).n_neurons
        for family in args.families:
            m = default_n_inputs(family, m_out)
            pairs = make_pairs(family, m, m_out, seed=0)
            started = time.perf_counter()
            sizes = decoded_sizes(pairs, m, 3, 1e-6, seed=0)
            sized = time.perf_counter() - started
            started = time.perf_counter()
            net = build_decoded_and_network(pairs, m, 3, seed=0, sizes=sizes)
            built = time.perf_counter() - started
            subsets = sum(comb(sizes.n_vertices, j) for j in range(4))
            verdict = certify(net, pairs, 3) if m_out <= args.certify_max else None
            print(f"{family}  {m_out:,}  {sizes.n_vertices}  {net.n_neurons:,}  "
                  f"{net.n_neurons / sqrt(m_out * log2(m_out)):.1f}  {net.n_neurons / uniform:.2f}  "
                  f"{net.n_neurons / naive_n_neurons(m, m_out):.2f}  [{sizes.describe()}]  {sized:.1f}  {built:.1f}  "
                  f"{subsets:,}  "
                  + (f"{verdict.seconds:.1f}  {verdict.false_positives + verdict.false_negatives}" if verdict
                     else "-  -"), flush=True)


if __name__ == "__main__":
    main()
