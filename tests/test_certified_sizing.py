"""Tests of sizing by certificate: the network returned is right on every input, and smaller than the bound's."""

from math import comb

import pytest

from superpos.certificate import certify
from superpos.certified_sizing import certified_one_layer
from superpos.families import make_pairs
from superpos.one_layer import build_one_layer_and_network
from superpos.verify import verify_exhaustive


@pytest.fixture(scope="module")
def small_search():
    pairs = make_pairs("uniform", 22, 40, seed=2)
    return pairs, certified_one_layer(pairs, 22, 3, seed=5, output_code_sizes=(6, 3), rel_tol=0.05)


def test_the_certified_network_is_right_on_every_input_by_brute_force(small_search):
    pairs, found = small_search
    errors = verify_exhaustive(found.network, pairs, 3)
    assert errors.n_input_sets == sum(comb(22, j) for j in range(4))  # every set with at most k = 3
    assert errors.wrong == 0
    assert found.certificate.passed and found.network.n_neurons == found.n_neurons


def test_the_result_is_the_smallest_passing_trial_and_smaller_ones_were_tried(small_search):
    _, found = small_search
    passing = [trial for trial in found.trials if trial.passed]
    assert found.n_neurons == min(trial.n_neurons for trial in passing)
    assert found.n_neurons <= found.bound_sizes.n_neurons
    # the search went below the winner and met a network the certificate rejected
    assert any(not trial.passed and trial.false_positives > 0 for trial in found.trials)


def test_a_rejected_trial_really_has_a_wrong_decision(small_search):
    pairs, found = small_search
    rejected = next(trial for trial in found.trials if not trial.passed)
    network = build_one_layer_and_network(pairs, 22, 3, seed=5, sizes=rejected.sizes, enforce_bound=False)
    assert verify_exhaustive(network, pairs, 3).wrong > 0
    assert certify(network, pairs, 3).false_positives == rejected.false_positives


def test_same_seed_same_search():
    pairs = make_pairs("uniform", 30, 50, seed=0)
    first, second = (certified_one_layer(pairs, 30, 2, seed=1, output_code_sizes=(4,), rel_tol=0.1) for _ in range(2))
    assert first.sizes == second.sizes
    assert [t.n_neurons for t in first.trials] == [t.n_neurons for t in second.trials]


@pytest.mark.parametrize("kwargs, message", [
    ({"rel_tol": 0}, "rel_tol must be a number in"),
    ({"rel_tol": 2.0}, "rel_tol must be a number in"),
    ({"output_code_sizes": ()}, "at least one value of t"),
    ({"output_code_sizes": (0,)}, "output_code_sizes"),
    ({"max_growth": -1}, "max_growth"),
    ({"failure_prob": 1.5}, "failure_prob"),
])
def test_bad_arguments_are_refused(kwargs, message):
    pairs = make_pairs("uniform", 20, 20, seed=0)
    with pytest.raises(ValueError, match=message):
        certified_one_layer(pairs, 20, 2, **kwargs)
