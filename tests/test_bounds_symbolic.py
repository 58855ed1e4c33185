"""The SymPy and exact-range checks pass, and each can fail."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from superpos import bounds, bounds_symbolic as checks

ONE_LAYER_CASES = {
    "one-hot, 3 features": (np.eye(3, dtype=int), np.eye(3, dtype=int), (0, 1), (0, -1)),
    "one-hot, 3 features, signed weights": (np.eye(3, dtype=int), np.eye(3, dtype=int), (-1, 0, 1), (0, -1, -2)),
}


SYMBOLIC = {"stirling-lower", "stirling-upper", "family-size-symbolic", "neuron-bound", "real-params-order",
            "lambert-identity", "capacity-inversion", "capacity-order", "growth-limits", "precision", "gap"}


def test_run_all_passes_and_counts_every_check_once():
    results = checks.run_all(m_max=200, n_max=30, one_layer_cases=ONE_LAYER_CASES, cover_cases=((5, 1), (6, 2)))
    assert len({r.name for r in results}) == len(results) == 23
    assert [r.name for r in results if not r.passed] == []
    assert {r.name for r in results if r.cases == 1} >= SYMBOLIC
    assert sum(r.cases for r in results) > 1000


def test_exact_range_checks_pass_on_larger_ranges():
    assert checks.check_stirling_exact(2500).passed
    assert checks.check_family_size_exact(80).passed
    small = checks.check_family_size_exact(10, m_in_max=8)
    assert small.passed and "m \\le 8" in small.statement
    assert checks.check_neuron_bound_exact(2000).passed
    assert checks.check_total_neurons(11, 1000).passed
    assert checks.check_sauer_shelah(40).passed
    ticket = checks.check_ticket(cases=(("uniform", 14, 20, 4), ("star", 21, 20, 3)))
    assert ticket.passed and ticket.cases > 1000


def test_unevaluated_limit_is_not_a_pass():
    n = sp.Symbol("n", positive=True)
    assert not checks.limit_is(sp.log(n) / sp.LambertW(n**2), n, sp.Rational(1, 2))
    assert checks.limit_is(sp.log(n) / sp.log(n**2), n, sp.Rational(1, 2))
    assert not checks.limit_is(sp.log(n) / sp.log(n**2), n, 1)


def test_exact_check_fails_when_the_numbers_are_wrong(monkeypatch):
    original = bounds.log2_num_permutations
    monkeypatch.setattr(bounds, "log2_num_permutations", lambda m: original(m) * (1 + 1e-9))
    assert not checks.check_stirling_exact(50).passed


def test_neuron_check_fails_for_a_width_off_by_one(monkeypatch):
    original = bounds.min_layer_width
    monkeypatch.setattr(bounds, "min_layer_width", lambda *a, **k: np.asarray(original(*a, **k)) + 1)
    assert not checks.check_neuron_bound_exact(50).passed


def test_total_neuron_check_fails_for_a_total_off_by_one(monkeypatch):
    original = bounds.min_total_neurons
    monkeypatch.setattr(bounds, "min_total_neurons", lambda *a, **k: np.asarray(original(*a, **k)) - 1)
    assert not checks.check_total_neurons(6, 50).passed


def test_capacity_check_fails_for_a_shifted_bracket_or_estimate(monkeypatch):
    original = bounds.capacity_lambert
    monkeypatch.setattr(bounds, "capacity_lambert", lambda *a, **k: original(*a, **k) * 1.01)
    assert not checks.check_capacity_search(widths=(256, 4096), bit_widths=(8,)).passed
    monkeypatch.setattr(bounds, "capacity_lambert", original)
    bracket = bounds.capacity_bounds
    monkeypatch.setattr(bounds, "capacity_bounds", lambda *a, **k: (bracket(*a, **k)[0], bracket(*a, **k)[0]))
    assert not checks.check_capacity_search(widths=(256, 4096), bit_widths=(8,)).passed


def test_real_params_check_fails_for_a_count_off_by_one(monkeypatch):
    original = bounds.min_params_real
    monkeypatch.setattr(bounds, "min_params_real", lambda *a, **k: original(*a, **k) + 1)
    assert not checks.check_real_params_exact(20).passed


def test_sauer_check_fails_for_a_wrong_count(monkeypatch):
    original = bounds.sauer_count
    monkeypatch.setattr(bounds, "sauer_count", lambda points, nu: original(points, nu + 1))
    assert not checks.check_sauer_shelah(10).passed


def test_counter_checks_fail_for_a_wrong_counter(monkeypatch):
    original = bounds.count_threshold_labelings
    monkeypatch.setattr(bounds, "count_threshold_labelings", lambda points: original(points) + 1)
    assert not checks.check_threshold_counter(cases=((5, 1),)).passed
    monkeypatch.setattr(bounds, "count_threshold_labelings", lambda points: 2)
    assert not checks.check_one_layer_count({"one-hot": ONE_LAYER_CASES["one-hot, 3 features"]}).passed


def test_ticket_check_fails_for_a_ticket_built_for_fewer_actives(monkeypatch):
    original = bounds.lottery_ticket_network
    monkeypatch.setattr(bounds, "lottery_ticket_network", lambda pairs, n_inputs, k, seed=0: original(pairs, n_inputs, 1, seed))
    assert not checks.check_ticket(cases=(("uniform", 14, 30, 3),)).passed


def test_range_arguments_are_validated():
    with pytest.raises(ValueError, match="m_max must be an integer >= 1"):
        checks.check_stirling_exact(0)
    with pytest.raises(ValueError, match="n_max must be an integer >= 1"):
        checks.check_family_size_exact(2.5)


def test_the_every_input_union_bound_holds_exactly_and_fails_below():
    check = checks.check_every_input_union_bound()
    assert check.passed and check.cases == 2 * len(checks.UNION_BOUND_CASES)
    # The exact count is not a formality: one neuron below the bound the expectation reaches 1.
    from superpos import representation
    n = representation.every_input_neurons_bound(1000, 3)
    below = representation.expected_covers(1000, n - 1, representation.best_sparse_size(n - 1, 3), 3, exact=True)
    assert below >= 1
