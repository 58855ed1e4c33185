"""The SymPy and exact-range checks pass, and each can fail."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from superpos import bounds, bounds_symbolic as checks


@pytest.mark.parametrize("check", [
    checks.check_stirling_lower, checks.check_stirling_upper, checks.check_family_size_symbolic,
    checks.check_neuron_bound, checks.check_lambert_identity, checks.check_capacity_inversion,
    checks.check_capacity_order, checks.check_growth_limits, checks.check_precision, checks.check_gap,
], ids=lambda f: f.__name__)
def test_symbolic_check_passes(check):
    result = check()
    assert result.passed, result.statement
    assert result.cases == 1


def test_exact_range_checks_pass():
    assert checks.check_stirling_exact(2500).passed
    assert checks.check_family_size_exact(120).passed
    assert checks.check_neuron_bound_exact(2000).passed
    assert checks.check_lambert_bounds(300).passed
    assert checks.check_capacity_closed_form().passed


def test_run_all_counts_every_check_once():
    results = checks.run_all(m_max=300, n_max=40)
    assert len({r.name for r in results}) == len(results) == 15
    assert all(r.passed for r in results)
    assert sum(r.cases for r in results) > 1000


def test_unevaluated_limit_is_not_a_pass():
    n = sp.Symbol("n", positive=True)
    assert not checks._limit_is(sp.log(n) / sp.LambertW(n**2), n, sp.Rational(1, 2))
    assert checks._limit_is(sp.log(n) / sp.log(n**2), n, sp.Rational(1, 2))
    assert not checks._limit_is(sp.log(n) / sp.log(n**2), n, 1)


def test_exact_check_fails_when_the_numbers_are_wrong(monkeypatch):
    original = bounds.log2_num_permutations
    monkeypatch.setattr(bounds, "log2_num_permutations", lambda m: original(m) * (1 + 1e-9))
    assert not checks.check_stirling_exact(50).passed


def test_neuron_check_fails_for_a_width_off_by_one(monkeypatch):
    original = bounds.min_neurons
    monkeypatch.setattr(bounds, "min_neurons", lambda *a, **k: np.asarray(original(*a, **k)) + 1)
    assert not checks.check_neuron_bound_exact(50).passed


def test_closed_form_check_fails_for_a_shifted_capacity(monkeypatch):
    original = bounds.capacity_lambert
    monkeypatch.setattr(bounds, "capacity_lambert", lambda *a, **k: original(*a, **k) * 1.01)
    assert not checks.check_capacity_closed_form(widths=(256, 4096), bit_widths=(8,)).passed


def test_range_arguments_are_validated():
    with pytest.raises(ValueError, match="m_max must be an integer >= 1"):
        checks.check_stirling_exact(0)
    with pytest.raises(ValueError, match="n_max must be an integer >= 1"):
        checks.check_family_size_exact(2.5)
