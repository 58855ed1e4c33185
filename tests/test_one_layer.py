"""Tests of the one-layer AND network: its bound, its sizing and its builder."""

import math

import numpy as np
import pytest

from superpos.families import FAMILIES, make_pairs
from superpos.instance import AndInstance
from superpos.certificate import certify
from superpos.one_layer import (OneLayerSizes, build_one_layer_and_network, one_layer_failure_bound,
                                line_code_sizes_for_events, one_layer_sizes, one_layer_sizes_for_widths,
                                proved_failure_bound, proved_sizes)
from superpos.union_bound import influence_spoiler_counts, search_cap, spoiler_counts
from superpos.verify import verify_exhaustive, verify_random


@pytest.fixture(scope="module")
def uniform_500():
    """Uniform pairs at m = m' = 500 and their sizes for three targets and both guarantees."""
    pairs = AndInstance(make_pairs("uniform", 500, 500, seed=0), 500)
    return pairs, {(p, g): one_layer_sizes(pairs, None, 3, p, guarantee=g)
                   for p, g in [(1e-2, "every_input"), (1e-9, "every_input"), (1e-6, "every_input"),
                                (1e-6, "per_input")]}


def test_no_false_negatives_even_when_too_small():
    # Widths far too small: false positives are allowed, false negatives never.
    pairs = make_pairs("uniform", 200, 600, seed=0)
    sizes = one_layer_sizes_for_widths(pairs, 200, 3, code_size=3, output_code_size=3, n_input_neurons=3 * 17,
                                       n_output_neurons=3 * 29)
    assert sizes.failure_bound > 1          # the union bound says nothing here
    net = build_one_layer_and_network(pairs, 200, 3, sizes=sizes, enforce_bound=False)
    errors = verify_random(net, pairs, 3, 2000, seed=1)
    assert errors.false_negatives == 0
    assert errors.false_positives > 0  # the test can fail: the network is really overloaded


@pytest.mark.parametrize("family", FAMILIES)
def test_exhaustive_zero_wrong_decisions(family):
    pairs = make_pairs(family, 20, {"matching": 10, "star": 19, "clique": 21}.get(family, 30), seed=3)
    net = build_one_layer_and_network(pairs, 20, 3, seed=0)
    assert verify_exhaustive(net, pairs, 3).wrong == 0


def test_parameters_are_one_bit_and_counts_add_up():
    pairs = make_pairs("uniform", 500, 500, seed=0)
    sizes = one_layer_sizes(pairs, 500, 3)
    net = build_one_layer_and_network(pairs, 500, 3, sizes=sizes)
    assert net.widths == [sizes.n_input_neurons, sizes.n_output_neurons]
    assert net.bits_per_param == 1
    weights, bias = net.layers[0]
    assert set(np.unique(weights.data)) == {1.0}
    assert weights.nnz <= 2 * len(pairs) * sizes.code_size * sizes.output_code_size
    assert net.n_params == weights.nnz + np.count_nonzero(bias)


def test_sizes_meet_the_bound_and_grow_with_confidence(uniform_500):
    pairs, sizes = uniform_500
    loose, tight = sizes[1e-2, "every_input"], sizes[1e-9, "every_input"]
    assert loose.failure_bound <= 1e-2 and tight.failure_bound <= 1e-9
    assert tight.n_neurons > loose.n_neurons
    spoilers = spoiler_counts(pairs, None, 3)
    bound = one_layer_failure_bound(500, 3, tight.code_size, tight.q_in, tight.output_code_size, tight.q_out,
                                    spoilers)
    assert bound == pytest.approx(tight.failure_bound)
    # One prime step narrower in the output channel and the bound is no longer met.
    narrower = one_layer_failure_bound(500, 3, tight.code_size, tight.q_in, tight.output_code_size,
                                       tight.q_out - 1, spoilers)
    assert narrower > bound
    widths = one_layer_sizes_for_widths(pairs, None, 3, code_size=tight.code_size,
                                        output_code_size=tight.output_code_size,
                                        n_input_neurons=tight.n_input_neurons, n_output_neurons=tight.n_output_neurons)
    assert widths.failure_bound == pytest.approx(tight.failure_bound) and widths.n_neurons == tight.n_neurons


def test_every_input_guarantee_is_a_union_over_all_inputs(uniform_500):
    pairs, sizes = uniform_500
    per_input, every_input = sizes[1e-6, "per_input"], sizes[1e-6, "every_input"]
    assert every_input.n_neurons > per_input.n_neurons
    assert (per_input.guarantee, every_input.guarantee) == ("per_input", "every_input")
    args = (500, 3, per_input.code_size, per_input.q_in, per_input.output_code_size, per_input.q_out)
    one = one_layer_failure_bound(*args, spoiler_counts(pairs, None, 3, "per_input"))
    union = one_layer_failure_bound(*args, spoiler_counts(pairs, None, 3, "every_input"))
    # The union counts about 2m' C(m, k-1) events where one input counts D_k: far above the per-input bound.
    assert union > 1e4 * one
    net = build_one_layer_and_network(pairs, None, 3, seed=0, sizes=every_input)
    assert net.n_neurons == every_input.n_neurons and "every-input" in net.name
    with pytest.raises(ValueError, match="guarantee must be one of"):
        one_layer_sizes(pairs, None, 3, guarantee="sometimes")


def test_given_sizes_must_meet_the_bound_they_are_built_for(uniform_500):
    pairs, sizes = uniform_500
    per_input = sizes[1e-6, "per_input"]
    with pytest.raises(ValueError, match="the sizes bound guarantee 'per_input', but guarantee 'every_input'"):
        build_one_layer_and_network(pairs, None, 3, sizes=per_input)
    loose = sizes[1e-2, "every_input"]
    with pytest.raises(ValueError, match="sizes too small for the guarantee: with s = .* failure_prob = 1e-06"):
        build_one_layer_and_network(pairs, None, 3, sizes=loose)
    assert build_one_layer_and_network(pairs, None, 3, sizes=loose, failure_prob=1e-2).n_neurons == loose.n_neurons
    with pytest.raises(TypeError, match="sizes must be OneLayerSizes"):
        build_one_layer_and_network(pairs, None, 3, sizes=(3, 11, 3, 11))


def test_bad_inputs_raise_clear_errors():
    pairs = make_pairs("uniform", 50, 60, seed=0)
    with pytest.raises(ValueError, match=r"k must be in \[1, 50\], got 51"):
        build_one_layer_and_network(pairs, 50, 51)
    with pytest.raises(ValueError, match="failure_prob"):
        build_one_layer_and_network(pairs, 50, 3, failure_prob=0.0)
    with pytest.raises(ValueError, match="q a prime"):
        one_layer_sizes_for_widths(pairs, 50, 3, code_size=3, output_code_size=3, n_input_neurons=3 * 12,
                                   n_output_neurons=3 * 11)
    sizes = OneLayerSizes(3, 11, 3, 11, 0.5)
    assert sizes.describe() == "s = 3, q_in = 11, t = 3, q_out = 11" and sizes.n_neurons == 66
    assert math.isclose(sizes.failure_bound, 0.5)


def test_proved_sizes_meet_the_proved_bound_and_use_independent_codes():
    pairs = make_pairs("uniform", 400, 400, seed=0)
    sizes = one_layer_sizes(pairs, 400, 3, 1e-3, guarantee="proved")
    assert sizes.codes == "independent" and sizes.guarantee == "proved" and sizes.failure_bound <= 1e-3
    again = proved_failure_bound(400, 3, sizes.code_size, sizes.q_in, sizes.output_code_size, sizes.q_out,
                                 sizes.load_cap, spoiler_counts(pairs, 400, 3))
    assert again == sizes.failure_bound
    net = build_one_layer_and_network(pairs, 400, 3, seed=0, sizes=sizes, failure_prob=1e-3, guarantee="proved")
    codes = net.input_codes
    assert (codes @ codes.T).toarray()[~np.eye(400, dtype=bool)].max() >= 2   # not lines: codes may share two neurons
    assert certify(net, pairs, 3).passed


def test_proved_bound_is_never_below_the_share_of_networks_that_fail():
    # A sweep from networks that nearly always fail to ones the bound sizes: over 24 seeds each, the
    # share the certificate fails must not exceed the proved bound (with a binomial margin).
    pairs = make_pairs("uniform", 40, 60, seed=1)
    spoilers = spoiler_counts(pairs, 40, 3)
    shares = []
    for s, q_in, t, q_out, lam in [(4, 12, 3, 15, 10), (6, 60, 4, 60, 6), (8, 80, 4, 80, 5), (15, 69, 7, 107, 4)]:
        bound = proved_failure_bound(60, 3, s, q_in, t, q_out, lam, spoilers)
        sizes = OneLayerSizes(s, q_in, t, q_out, bound, "proved", "independent", lam)
        failed = sum(not certify(build_one_layer_and_network(pairs, 40, 3, seed=seed, sizes=sizes, guarantee="proved",
                                                             enforce_bound=False), pairs, 3).passed
                     for seed in range(24))
        assert failed / 24 <= bound + 3 * math.sqrt(bound * (1 - bound) / 24) + 1e-12
        shares.append(failed / 24)
    assert shares[0] == 1 and shares[-1] == 0 and bound < 0.5   # the sweep spans failing and bound-sized networks


def test_proved_sizes_grow_like_the_lower_bound():
    ratios = [proved_sizes(influence_spoiler_counts([2.0], [float(n)], n, 3), n, 3).n_neurons
              / math.sqrt(n * math.log2(n)) for n in (10**4, 10**6, 10**8)]
    assert ratios[0] > ratios[1] > ratios[2] > 0.4 * ratios[0]   # falling slowly toward a constant


@pytest.mark.parametrize("n", [10**4, 10**6])
def test_the_search_cap_is_not_what_chooses_the_code_sizes(n):
    # s and t are searched up to a cap that grows with the events of the bound; the chosen sizes of
    # uniform pairs sit well inside it, so the cap does not decide them.
    events = influence_spoiler_counts([2.0], [float(n)], n, 3)
    sizes = line_code_sizes_for_events(events, n, n, 3)
    cap = search_cap(float(events.first_counts.sum() + events.second_counts.sum()), 1e-6, 20)
    assert sizes.code_size < cap and sizes.output_code_size < cap + 4
