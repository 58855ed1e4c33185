"""The gap chapter's assembly of curves: grids, baselines, the one gap factor, the construction's line and the rate."""

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


def test_gap_factor_is_the_ratio_of_the_two_bounds_and_grows():
    for m_out in (100, 10**4, 10**6):
        computing = bounds.min_total_neurons("and", m_out, m_in=m_out, bits_per_param=1)
        representing = representation.every_input_neurons_bound(m_out, 3)
        assert gap.gap_factor(m_out) == pytest.approx(computing / representing)
    factors = [gap.gap_factor(m) for m in (10**3, 10**5, 10**7, 10**9)]
    assert factors == sorted(factors) and factors[-1] > 10 * factors[0]
    assert gap.gap_factor(10**6, bits_per_param=8) < gap.gap_factor(10**6, bits_per_param=1)
    with pytest.raises(ValueError, match="m_out must be at least 3"):
        gap.gap_factor(2)


@pytest.fixture(scope="module")
def theory():
    return gap.gap_theory(10**9, k=3, bits=(1, 8), n_trials=300, per_decade=2)


def test_theory_agrees_with_the_modules_it_comes_from(theory):
    assert theory.m.tolist() == gap.log_grid(10, 10**9, 2).tolist()
    for b in (1, 8):
        expected = bounds.min_total_neurons("and", theory.m, m_in=theory.m, bits_per_param=b)
        assert theory.lower_bound[b].tolist() == np.asarray(expected).tolist()
    assert theory.every_input[5] == representation.every_input_neurons_bound(int(theory.m[5]), 3)
    assert theory.random_input[5] == representation.predicted_min_neurons(int(theory.m[5]), 3, 300)
    big = theory.m >= 1000  # (below, 300 random inputs are more than all the inputs there are)
    assert np.all(theory.random_input[big] < theory.every_input[big])  # every input costs more
    assert theory.one_per_and.tolist() == (2 * theory.m).tolist()


def test_the_gap_opens_with_m(theory):
    ratio = theory.lower_bound[1] / theory.every_input
    assert ratio[-1] > 100 * ratio[0]
    assert ratio[-1] == pytest.approx(gap.gap_factor(int(theory.m[-1])))


def test_exponential_rate_is_the_change_of_variables(theory):
    """ln(bound) against representation neurons has slope about 1/(2a) at large m'."""
    large = theory.m >= 10**5
    a, _ = representation.fit_log_slope(theory.m[large], theory.every_input[large])
    rate = gap.exponential_rate(theory.every_input[large], theory.lower_bound[1][large])
    assert rate == pytest.approx(1 / (2 * a), rel=0.25)


def _table():
    return {"family": np.array(["uniform", "star", "uniform"]), "n_outputs": np.array([3162, 1000, 1000]),
            "n_inputs": np.array([3162, 1001, 1000]), "n_neurons": np.array([4413, 2263, 2605]),
            "n_params": np.array([10, 20, 30]), "bits_per_param": np.array([1, 1, 1]),
            "n_layers": np.array([1, 1, 1]), "naive_neurons": np.array([6324, 2001, 2000]),
            "guarantee": np.array(["heuristic bound", "certified", "certified"])}


def test_construction_line_sorts_one_family_and_adds_its_bound():
    line = gap.construction_line(_table(), "uniform")
    assert line["n_outputs"].tolist() == [1000, 3162] and line["n_neurons"].tolist() == [2605, 4413]
    assert line["guarantee"].tolist() == ["certified", "heuristic bound"]
    assert line["lower_bound"].tolist() == [bounds.min_total_neurons("and", m, m_in=m, bits_per_param=1)
                                            for m in (1000, 3162)]
    assert np.all(line["n_neurons"] >= line["lower_bound"])


def test_construction_line_rejects_bad_tables():
    table = _table()
    with pytest.raises(ValueError, match="no rows of family 'clique'"):
        gap.construction_line(table, "clique")
    del table["guarantee"]
    with pytest.raises(ValueError, match=r"lacks the columns \['guarantee'\]"):
        gap.construction_line(table)
    with pytest.raises(TypeError, match="table must be a dict"):
        gap.construction_line([1, 2])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"m_max": 10**4, "m_min": 2}, ValueError, "m_min must be at least 3"),
    ({"m_max": 10**4, "bits": ()}, ValueError, "bits must name at least one"),
    ({"m_max": 10**4, "bits": (0,)}, ValueError, "every entry of bits must be at least 1"),
    ({"m_max": 1e4}, TypeError, "m_max must be an integer"),
])
def test_gap_theory_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        gap.gap_theory(**kwargs)


def test_relabelling_count_is_a_lower_bound_on_the_distinct_relabellings():
    from itertools import permutations
    from superpos.gap import log2_relabellings
    for pairs, m in [([[0, 1], [0, 2]], 4), ([[0, 1], [2, 3], [1, 2]], 5), ([[0, 1], [2, 3]], 5)]:
        pairs = np.array(pairs)
        distinct = {tuple(map(tuple, np.sort(np.array(sigma)[pairs], axis=1))) for sigma in permutations(range(m))}
        assert 2 ** log2_relabellings(pairs, m) <= len(distinct) + 1e-9
    with pytest.raises(ValueError, match="every endpoint"):
        log2_relabellings([[0, 5]], 5)


def test_the_construction_sizes_do_not_move_under_a_relabelling():
    from superpos.families import make_pairs
    from superpos.one_layer import one_layer_sizes
    pairs = make_pairs("power_law", 300, 300, seed=0)
    relabelled = np.random.default_rng(3).permutation(300)[pairs]
    assert one_layer_sizes(pairs, 300, 3, 1e-3) == one_layer_sizes(relabelled, 300, 3, 1e-3)
