"""Time the counting-bound functions the book calls often, and the full check suite.

Run: python benchmarks/bounds_capacity.py
"""

from __future__ import annotations

import time

import numpy as np

from superpos import bounds, bounds_symbolic


def timed(label: str, call, repeats: int = 3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<55s} {best * 1e3:9.2f} ms")
    return result


if __name__ == "__main__":
    grid = np.unique(np.round(np.geomspace(3, 1e9, 50)).astype(np.int64))
    timed("min_neurons('and', 50 values of m' up to 1e9)", lambda: bounds.min_neurons("and", grid, bits_per_param=8))
    for width in (768, 4096, 12288, 65536):
        found = timed(f"capacity(n={width}, b=8, L=1, 'and')", lambda: bounds.capacity(width, 8, 1, "and"))
        gap = bounds.capacity_lambert(width, 8, 1, "and") - found
        print(f"{'':<55s} capacity {found:,}, Lambert W minus search {gap:+.2f}")
    results = timed("every check (m_max=2000, n_max=100)", lambda: bounds_symbolic.run_all(2000, 100), repeats=1)
    print(f"checks passed: {sum(r.passed for r in results)}/{len(results)}, exact cases: {sum(r.cases for r in results):,}")
