"""Time the counting-bound functions the book calls often, the construction fit, the ticket, and the check suite.

Run: python benchmarks/bounds_capacity.py
"""

from __future__ import annotations

import time

import numpy as np

from superpos import bounds, bounds_symbolic
from superpos.families import make_pairs


def timed(label: str, call, repeats: int = 3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<60s} {best * 1e3:10.2f} ms")
    return result


if __name__ == "__main__":
    grid = np.unique(np.round(np.geomspace(3, 1e9, 50)).astype(np.int64))
    timed("min_layer_width('and', 50 values of m' up to 1e9)", lambda: bounds.min_layer_width("and", grid, bits_per_param=8))
    timed("min_total_neurons('and', 50 values of m' up to 1e9)",
          lambda: bounds.min_total_neurons("and", grid, bits_per_param=8))
    timed("min_params_real('and', 50 values of m' up to 1e9, L = 2)",
          lambda: bounds.min_params_real("and", grid, layers=2))
    for width in (768, 4096, 12288, 65536):
        found = timed(f"capacity(n={width}, b=8, L=1, 'and')", lambda: bounds.capacity(width, 8, 1, "and"))
        low, high = bounds.capacity_bounds(width, 8, 1, "and")
        gap = bounds.capacity_lambert(width, 8, 1, "and") - found
        real = timed(f"capacity_real(n={width}, L=1, 'and')", lambda: bounds.capacity_real(width, 1, "and"))
        print(f"{'':<60s} capacity {found:,} in [{low:,}, {high:,}], Lambert W minus search {gap:+.2f}, "
              f"real weights {real:,}")
    fits = timed("construction_capacity(4 widths, 4 per decade, 1% refinement)",
                 lambda: bounds.construction_capacity([768, 3072, 4096, 12288], per_decade=4, m_max=3 * 10**5,
                                                      rel_tol=0.01), repeats=1)
    for fit in fits:
        print(f"{'':<60s} width {fit.width:,}: construction fits m' = {fit.m_out:,} "
              f"({fit.input_width:,} + {fit.output_width:,}), not {fit.next_m_out:,}")
    for m_out in (10**5, 10**6):
        pairs = make_pairs("uniform", m_out, m_out, seed=0)
        net = timed(f"lottery_ticket_network(m' = {m_out:,}, k = 3)",
                    lambda: bounds.lottery_ticket_network(pairs, m_out, 3), repeats=1)
        print(f"{'':<60s} {net.n_params:,} one-bit parameters ({net.n_params / m_out:.2f} per output), "
              f"fixed-position bound {bounds.min_params('and', m_out, bits_per_param=1):,}")
    from superpos.gap import gap_factor
    for m_out in (10**6, 10**9):
        factor = timed(f"gap_factor(m' = {m_out:,}, k = 3, b = 1)", lambda: gap_factor(m_out), repeats=1)
        print(f"{'':<60s} computing takes at least {factor:.1f} times the neurons of representing")
    results = timed("every check (m_max=2000, n_max=100)", lambda: bounds_symbolic.run_all(2000, 100), repeats=1)
    print(f"checks passed: {sum(r.passed for r in results)}/{len(results)}, exact cases: {sum(r.cases for r in results):,}")
