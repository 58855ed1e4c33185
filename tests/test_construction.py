import math

import numpy as np
import pytest

from superpos.construction import (
    build_and_network,
    build_one_layer_and_network,
    build_three_channel_and_network,
    choose_layout,
    construction_neurons_curve,
    input_code_book,
    is_prime,
    naive_and_network,
    next_prime,
    one_layer_failure_bound,
    one_layer_sizes,
    output_code_book,
    three_channel_sizes,
)
from superpos import construction as C
from superpos.families import FAMILIES, make_pairs
from superpos.inputs import random_input_sets
from superpos.verify import verify_adversarial, verify_exhaustive, verify_random


def family_instance(family, m=20, n_outputs=None):
    n_outputs = n_outputs or {"matching": m // 2, "star": m - 1, "clique": 21}.get(family, 30)
    return make_pairs(family, m, n_outputs, seed=3)


def test_primes():
    assert [p for p in range(30) if is_prime(p)] == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    assert next_prime(24) == 29 and next_prime(29) == 29


def test_line_codes_have_bounded_overlap_and_fixed_size():
    codes = input_code_book(150, 7 * 13, 7, seed=1)
    assert codes.shape == (150, 91)
    assert np.all(np.asarray(codes.sum(axis=1)).ravel() == 7)
    overlap = (codes @ codes.T).toarray()
    np.fill_diagonal(overlap, 0)
    assert overlap.max() <= 1


def test_code_books_depend_on_sizes_and_seed_only():
    a = output_code_book(100, 5 * 11, 5, seed=4)
    assert np.array_equal(a, output_code_book(100, 5 * 11, 5, seed=4))
    assert not np.array_equal(a, output_code_book(100, 5 * 11, 5, seed=5))
    # The decoder of two different instances with the same sizes is the same.
    p1, p2 = make_pairs("uniform", 40, 60, seed=0), make_pairs("uniform", 40, 60, seed=1)
    opts = dict(code_size=5, output_code_size=5, n_input_neurons=5 * 53, n_output_neurons=5 * 53, enforce_bound=False)
    n1, n2 = (build_one_layer_and_network(p, 40, 3, seed=2, **opts) for p in (p1, p2))
    assert np.array_equal(n1.output_codes, n2.output_codes)
    assert (n1.input_codes != n2.input_codes).nnz == 0
    assert (n1.layers[0][0] != n2.layers[0][0]).nnz > 0


@pytest.mark.parametrize("family, k", [(f, 3) for f in FAMILIES] + [("uniform", 1), ("uniform", 2)])
def test_exhaustive_zero_wrong_decisions(family, k):
    pairs = family_instance(family)
    net = build_and_network(pairs, 20, k, seed=0)
    errors = verify_exhaustive(net, pairs, k)
    assert errors.n_decisions == errors.n_inputs * len(pairs)
    assert errors.wrong == 0, errors


def test_no_false_negatives_even_when_too_small():
    # Widths far too small: false positives are allowed, false negatives never.
    pairs = make_pairs("uniform", 200, 600, seed=0)
    net = build_one_layer_and_network(pairs, 200, 3, code_size=3, output_code_size=3, n_input_neurons=3 * 17,
                                      n_output_neurons=3 * 29, enforce_bound=False)
    errors = verify_random(net, pairs, 3, 2000, seed=1)
    assert errors.false_negatives == 0
    assert errors.false_positives > 0  # the test can fail: the network is really overloaded


def test_random_and_adversarial_at_moderate_scale():
    pairs = make_pairs("uniform", 2000, 2000, seed=0)
    net = build_and_network(pairs, 2000, 3, seed=0)
    assert verify_random(net, pairs, 3, 2000, seed=1).wrong == 0
    assert verify_adversarial(net, pairs, 3, 200, seed=2).wrong == 0


def test_one_layer_parameters_are_one_bit_and_counts_add_up():
    pairs = make_pairs("uniform", 500, 500, seed=0)
    net = build_and_network(pairs, 500, 3)
    sizes = one_layer_sizes(pairs, 500, 3)
    assert net.widths == [sizes.n_input_neurons, sizes.n_output_neurons]
    assert net.bits_per_param == 1
    weights, bias = net.layers[0]
    assert set(np.unique(weights.data)) == {1.0}
    assert weights.nnz <= 2 * len(pairs) * sizes.code_size * sizes.output_code_size
    assert net.n_params == weights.nnz + np.count_nonzero(bias)


def test_sizes_meet_the_bound_and_grow_with_confidence():
    pairs = make_pairs("uniform", 2000, 2000, seed=0)
    loose, tight = one_layer_sizes(pairs, 2000, 3, 1e-2), one_layer_sizes(pairs, 2000, 3, 1e-9)
    assert loose.failure_bound <= 1e-2 and tight.failure_bound <= 1e-9
    assert tight.n_neurons > loose.n_neurons
    bound = one_layer_failure_bound(2000, 3, tight.code_size, tight.q_in, tight.output_code_size, tight.q_out,
                                    C.spoiler_counts(pairs, 2000, 3))
    assert bound == pytest.approx(tight.failure_bound)
    # One prime step narrower in the output channel and the bound is no longer met.
    narrower = one_layer_failure_bound(2000, 3, tight.code_size, tight.q_in, tight.output_code_size,
                                       tight.q_out - 1,
                                       C.spoiler_counts(pairs, 2000, 3))
    assert narrower > bound


def test_naive_baseline_is_exact():
    pairs = make_pairs("uniform", 15, 40, seed=0)
    net = naive_and_network(pairs, 15)
    assert net.n_neurons == 15 + 40 and net.n_params == 3 * 40
    assert verify_exhaustive(net, pairs, 3).wrong == 0


def test_same_seed_same_network():
    pairs = make_pairs("uniform", 300, 300, seed=0)
    a, b = build_and_network(pairs, 300, 3, seed=7), build_and_network(pairs, 300, 3, seed=7)
    assert (a.layers[0][0] != b.layers[0][0]).nnz == 0 and np.array_equal(a.output_codes, b.output_codes)


def test_neurons_curve():
    curve = construction_neurons_curve([300, 1000], k=3, seed=0)
    assert list(curve["m_out"]) == [300, 1000]
    assert np.all(np.diff(curve["n_neurons"]) > 0) and np.all(curve["n_params"] > 0)
    assert list(curve["n_layers"]) == [1, 1] and list(curve["compute_width"]) == [0, 0]
    hubs = construction_neurons_curve([1000], k=3, seed=0, family="power_law")
    assert hubs["n_layers"][0] == 2 and hubs["compute_width"][0] > 0
    assert hubs["input_width"][0] + hubs["compute_width"][0] + hubs["output_width"][0] == hubs["n_neurons"][0]
    assert hubs["naive_neurons"][0] == 1000 + 1000


def test_bad_inputs_raise_clear_errors():
    pairs = make_pairs("uniform", 50, 60, seed=0)
    with pytest.raises(ValueError, match="k must be at most"):
        build_and_network(pairs, 50, 51)
    with pytest.raises(ValueError, match="k must be at least 1"):
        build_and_network(pairs, 50, 0)
    with pytest.raises(ValueError, match="itself|same"):
        build_and_network([[1, 1]], 50, 2)
    with pytest.raises(ValueError, match="repeats"):
        build_and_network([[1, 2], [2, 1]], 50, 2)
    with pytest.raises(ValueError, match="range"):
        build_and_network([[1, 70]], 50, 2)
    with pytest.raises(ValueError, match="failure_prob"):
        build_and_network(pairs, 50, 3, failure_prob=0.0)
    with pytest.raises(ValueError, match="widths too small for the guarantee"):
        build_and_network(pairs, 50, 3, code_size=3, output_code_size=3, n_input_neurons=3 * 11,
                          n_output_neurons=3 * 11)
    with pytest.raises(ValueError, match="q a prime"):
        build_and_network(pairs, 50, 3, code_size=3, output_code_size=3, n_input_neurons=3 * 12,
                          n_output_neurons=3 * 11)
    with pytest.raises(ValueError, match="give all four"):
        build_and_network(pairs, 50, 3, n_input_neurons=3 * 11)
    with pytest.raises(ValueError, match="distinct lines"):
        input_code_book(200, 3 * 11, 3)
    with pytest.raises(TypeError, match="seed must be an integer"):
        input_code_book(20, 3 * 11, 3, seed=1.5)


@pytest.mark.parametrize("family", FAMILIES)
def test_three_channel_exhaustive_zero_wrong_decisions(family):
    pairs = family_instance(family)
    net = build_three_channel_and_network(pairs, 20, 3, seed=0)
    assert len(net.layers) == 2 and net.threshold == 1.0
    assert verify_exhaustive(net, pairs, 3).wrong == 0


def test_three_channel_blocks_and_bound():
    pairs = make_pairs("power_law", 400, 400, seed=0)
    sizes = three_channel_sizes(pairs, 400, 3)
    assert len(sizes.heavy_inputs) > 0 and sizes.failure_bound <= 1e-6
    net = build_three_channel_and_network(pairs, 400, 3, sizes=sizes)
    assert net.widths == [sizes.n_input_neurons, 2 * sizes.n_units, sizes.n_output_neurons]
    # Integer pre-activations: the clamp pairs differ by exactly 0 or 1 on any input.
    layer1 = np.asarray(net.forward(random_input_sets(400, 3, 200, seed=4))[1])
    diff = layer1[:, : sizes.n_units] - layer1[:, sizes.n_units:]
    assert set(np.unique(diff)) <= {0.0, 1.0}
    assert verify_random(net, pairs, 3, 2000, seed=1).wrong == 0
    assert verify_adversarial(net, pairs, 3, 200, seed=2).wrong == 0


def test_three_channel_block_outputs_share_at_most_one_unit():
    # Blocks are t_c rows of q_h units and each owned output takes a line, so
    # two outputs of one hub meet in at most one compute unit; pool outputs do not.
    pairs = make_pairs("power_law", 2000, 2000, seed=0)
    sizes = three_channel_sizes(pairs, 2000, 3)
    assert sizes.n_light_units > 0 and len(sizes.heavy_inputs) > 1
    units = C._compute_units(pairs, 2000, sizes, seed=0)
    assert units.shape == (2000, sizes.compute_size)
    assert np.all(np.diff(np.sort(units, axis=1), axis=1) > 0)  # t_c distinct units per output
    first_block = sizes.n_light_units, sizes.n_light_units + sizes.block_sizes[0]
    in_block = np.flatnonzero((units >= first_block[0]).all(axis=1) & (units < first_block[1]).all(axis=1))
    assert len(in_block) > 2
    assert np.all((pairs[in_block] == sizes.heavy_inputs[0]).any(axis=1))
    shared = (units[in_block, :, None, None] == units[None, None, in_block, :]).any(axis=1).sum(axis=-1)
    np.fill_diagonal(shared, 0)
    assert shared.max() <= 1
    block = sizes.block_sizes[0]
    assert block % sizes.compute_size == 0 and C.is_prime(block // sizes.compute_size)


def test_layout_is_chosen_per_instance():
    uniform = make_pairs("uniform", 2000, 2000, seed=0)
    assert choose_layout(uniform, 2000, 3)[0] == "one_layer"
    hubs = make_pairs("power_law", 2000, 2000, seed=0)
    layout, sizes = choose_layout(hubs, 2000, 3)
    assert layout == "three_channel"
    net = build_and_network(hubs, 2000, 3, seed=0)
    assert net.n_neurons == sizes.n_neurons < one_layer_sizes(hubs, 2000, 3).n_neurons
    forced = build_and_network(hubs, 2000, 3, seed=0, layout="one_layer")
    assert len(forced.layers) == 1 and len(net.layers) == 2
    with pytest.raises(ValueError, match="layout must be one of"):
        build_and_network(hubs, 2000, 3, layout="two_layer")
    with pytest.raises(ValueError, match="not widths"):
        build_and_network(hubs, 2000, 3, layout="three_channel", n_input_neurons=3 * 47)


def test_every_input_guarantee_is_a_union_over_all_inputs():
    pairs = make_pairs("uniform", 2000, 2000, seed=0)
    per_input = one_layer_sizes(pairs, 2000, 3, 1e-6, guarantee="per_input")
    every_input = one_layer_sizes(pairs, 2000, 3, 1e-6)
    assert every_input.n_neurons > per_input.n_neurons
    args = (2000, 3, per_input.code_size, per_input.q_in, per_input.output_code_size, per_input.q_out)
    one = one_layer_failure_bound(*args, C.spoiler_counts(pairs, 2000, 3, "per_input"))
    union = one_layer_failure_bound(*args, C.spoiler_counts(pairs, 2000, 3, "every_input"))
    # The union counts about 2m' C(m, k-1) events where one input counts D_k: far above the per-input bound.
    assert union > 1e4 * one
    net = build_and_network(pairs, 2000, 3, seed=0)
    assert net.n_neurons == every_input.n_neurons and "every-input" in net.name
    with pytest.raises(ValueError, match="guarantee must be one of"):
        one_layer_sizes(pairs, 2000, 3, guarantee="sometimes")


def test_spoiler_counts_add_up_to_every_input():
    # Every (output, active endpoint, other actives) event is counted once, by its influence sum, rounded up.
    m, k = 300, 3
    pairs = make_pairs("power_law", m, 300, seed=1)
    counts = C.spoiler_counts(pairs, m, k)
    degrees = np.bincount(pairs.ravel(), minlength=m).astype(float)
    ordered = [1.0, m, m * m]  # tuples of j = 0, 1, 2 spoilers, repeats included
    assert np.isclose(counts.first_counts.sum(), 2 * 300 * sum(n / math.factorial(j) for j, n in enumerate(ordered)))
    assert counts.first_sums.max() >= 2 * degrees.max()
    assert np.all(np.diff(counts.first_sums) > 0)
    # A star's centre is in every pair: it never spoils, so every spoiler sum is at most k leaves.
    star = make_pairs("star", 50, 49, seed=0)
    assert C.spoiler_counts(star, 50, k).second_sums.max() <= k
    per_input = C.spoiler_counts(pairs, m, k, "per_input")
    assert per_input.first_counts.tolist() == [float(np.sort(degrees)[-k:].sum())]


def test_verify_families_counts_every_check_and_finds_no_error():
    rows = C.verify_families(2, exhaustive_m=10, scale_m_out=60, random_samples=50, adversarial_targets=5, seed=0)
    assert [r["check"] for r in rows] == ["exhaustive"] * 10 + ["random", "adversarial"] * 5
    assert [r["layers"] for r in rows[:10]] == [1, 2] * 5
    assert {r["family"] for r in rows} == set(FAMILIES)
    exhaustive = rows[0]
    assert exhaustive["inputs"] == 1 + 10 + 45 and exhaustive["decisions"] == exhaustive["inputs"] * exhaustive["m'"]
    assert all(r["wrong"] == 0 for r in rows)


def test_phase_transition_errors_vanish_at_the_chosen_size():
    pairs = make_pairs("uniform", 300, 300, seed=0)
    phase = C.phase_transition(pairs, 300, 3, n_points=3, random_samples=300, adversarial_targets=20, seed=0)
    assert phase.false_negatives == 0
    assert list(phase.n_neurons) == sorted(phase.n_neurons) and phase.n_neurons[-1] == phase.chosen.n_neurons
    assert phase.random_wrong_per_input[-1] == 0 and phase.adversarial_wrong_per_input[-1] == 0
    # The smallest network is starved enough that the adversary finds errors.
    assert phase.adversarial_wrong_per_input[0] > 0
