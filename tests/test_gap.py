"""The gap chapter's assembly of curves: grids, baselines, ratios and the exponential rate."""

from __future__ import annotations

import numpy as np
import pytest

from superpos import bounds, gap, representation
from superpos.layout import naive_and_network
from superpos.families import uniform_pairs


def test_log_grid_spans_the_range_evenly_in_log():
    grid = gap.log_grid(10, 10**6, 2)
    assert grid[0] == 10 and grid[-1] == 10**6
    assert np.all(np.diff(grid) > 0) and grid.dtype == np.int64
    assert len(grid) == 11
    ratios = grid[1:] / grid[:-1]
    assert np.allclose(ratios, 10**0.5, rtol=0.02)


def test_log_grid_keeps_both_ends_of_a_short_range():
    assert gap.log_grid(10, 10, 3).tolist() == [10]
    assert gap.log_grid(10, 11, 1).tolist() == [10, 11]


@pytest.mark.parametrize(("args", "error", "match"), [
    ((1, 10, 2), ValueError, "m_min must be at least 2, got 1"),
    ((100, 10, 2), ValueError, "m_max must be at least 100, got 10"),
    ((10, 100, 0), ValueError, "per_decade must be at least 1, got 0"),
    ((10.0, 100, 2), TypeError, "m_min must be an integer, got float"),
    ((10, 100, True), TypeError, "per_decade must be an integer, got bool"),
])
def test_log_grid_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        gap.log_grid(*args)


@pytest.mark.parametrize("n_outputs", [1, 7, 40])
def test_one_neuron_per_and_counts_the_naive_network(n_outputs):
    n_inputs = 12
    built = naive_and_network(uniform_pairs(n_inputs, n_outputs, seed=1), n_inputs).n_neurons
    assert gap.one_neuron_per_and_neurons(np.array([n_outputs]), np.array([n_inputs]))[0] == built


def test_one_neuron_per_and_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_outputs must be at least 1"):
        gap.one_neuron_per_and_neurons(np.array([0]))
    with pytest.raises(TypeError, match="must be integers"):
        gap.one_neuron_per_and_neurons(np.array([2.5]))


def test_exponential_rate_recovers_a_known_rate():
    x = np.arange(10, 60, 5)
    assert gap.exponential_rate(x, 3.0 * np.exp(0.07 * x)) == pytest.approx(0.07)


@pytest.mark.parametrize(("x", "y", "match"), [
    ([1, 2], [1, 2, 3], "equal length"),
    ([1], [1], "equal length >= 2"),
    ([1, 2], [1, 0], "must be positive"),
    ([3, 3], [1, 2], "must not all be equal"),
])
def test_exponential_rate_rejects_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        gap.exponential_rate(x, y)


@pytest.fixture(scope="module")
def small_curves():
    return gap.gap_curves(m_measured_max=100, m_theory_max=10**9, k=3, bits_per_param=8, n_trials=300, seed=0,
                          per_decade=2, per_decade_theory=2)


def test_curves_lie_on_their_grids(small_curves):
    c = small_curves
    assert c.m_measured.tolist() == gap.log_grid(10, 100, 2).tolist()
    assert c.m_theory.tolist() == gap.log_grid(10, 10**9, 2).tolist()
    for name in ("representation_sparse", "representation_dense", "construction"):
        assert getattr(c, name).shape == c.m_measured.shape, name
    for name in ("representation_sparse_theory", "representation_dense_theory", "lower_bound", "one_per_and"):
        assert getattr(c, name).shape == c.m_theory.shape, name


def test_curves_agree_with_the_modules_they_come_from(small_curves):
    c = small_curves
    assert c.lower_bound.tolist() == bounds.min_layer_width("and", c.m_theory, c.m_theory, bits_per_param=8).tolist()
    again = representation.min_neurons_curve(c.m_measured, 3, "sparse", 300, 0)
    assert c.representation_sparse.tolist() == again.tolist()


def test_no_construction_beats_the_lower_bound_for_its_own_precision(small_curves):
    """A valid construction cannot have fewer neurons than the bound at its own bits per parameter."""
    c = small_curves
    assert c.construction_bits_per_param == 1  # 0/1 weights and one bias value
    floor = bounds.min_layer_width("and", c.m_measured, c.m_measured, bits_per_param=c.construction_bits_per_param)
    assert np.all(c.construction >= floor)
    assert np.all(c.construction <= gap.one_neuron_per_and_neurons(c.m_measured) * 100)


def test_the_gap_opens_with_m(small_curves):
    c = small_curves
    ratios = c.lower_bound / np.minimum(c.representation_sparse_theory, c.representation_dense_theory)
    assert ratios[-1] > 100 * ratios[0]
    assert c.ratio_at_largest() == pytest.approx(ratios[-1])
    assert 0 <= c.theory_deviation() < 0.5
    with pytest.raises(ValueError, match="code must be 'sparse' or 'dense'"):
        c.theory_deviation("jl")


def test_exponential_rate_matches_the_representation_slope(small_curves):
    """ln(bound) against representation neurons has slope about 1/(2a) at large m'."""
    c = small_curves
    large = c.m_theory >= 10**5
    a, _ = representation.fit_log_slope(c.m_theory[large], c.representation_sparse_theory[large])
    rate = gap.exponential_rate(c.representation_sparse_theory[large], c.lower_bound[large])
    assert rate == pytest.approx(1 / (2 * a), rel=0.25)


def test_same_seed_same_curves(small_curves):
    again = gap.gap_curves(m_measured_max=10, m_theory_max=10**9, k=3, bits_per_param=8, n_trials=300, seed=0,
                           per_decade=2, per_decade_theory=2)
    assert again.m_measured.tolist() == small_curves.m_measured[:1].tolist()
    assert again.construction.tolist() == small_curves.construction[:1].tolist()
    assert again.representation_dense.tolist() == small_curves.representation_dense[:1].tolist()


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"m_measured_max": 100, "m_theory_max": 10}, ValueError, "m_theory_max must be at least 100"),
    ({"m_measured_max": 100, "m_theory_max": 1000, "m_min": 200}, ValueError, "m_min must be at most"),
    ({"m_measured_max": 100, "m_theory_max": 1000, "bits_per_param": 0}, ValueError, "bits_per_param must be at least 1"),
    ({"m_measured_max": 100, "m_theory_max": 1000, "seed": -1}, ValueError, "seed must be at least 0"),
    ({"m_measured_max": 1e3, "m_theory_max": 10**4}, TypeError, "m_measured_max must be an integer"),
])
def test_gap_curves_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        gap.gap_curves(**kwargs)
