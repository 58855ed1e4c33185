"""Tests of the adversary: it finds what random inputs miss, and every way of scoring picks the same inputs."""

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import adversary as A
from superpos import families as F
from superpos import verify as V
from superpos.network import Network
from superpos.three_channel import build_three_channel_and_network, three_channel_sizes
from handmade import naive_network, undersized_network


def test_the_adversary_finds_false_positives_random_inputs_miss():
    pairs = F.uniform_pairs(2000, 2000, seed=0)
    network = undersized_network(pairs, 2000, 700, 6)
    random = V.verify_random(network, pairs, 3, 2000, seed=1)
    adversarial_inputs = A.adversarial_inputs(network, pairs, 3, 300, seed=1)
    assert adversarial_inputs.shape == (300, 2000) and np.all(np.diff(adversarial_inputs.indptr) == 3)
    adversarial = V.count_errors(network, pairs, adversarial_inputs)
    assert adversarial.false_negatives == 0 and adversarial.false_positives > 0
    # per input, the adversary finds far more errors than random inputs do
    assert adversarial.false_positives / 300 > 5 * random.false_positives / 2000
    assert A.verify_adversarial(network, pairs, 3, 300, seed=1) == adversarial   # seeded
    # Counting chunk by chunk (5 inputs a batch, 4 batches a chunk: 15 chunks) loses nothing.
    assert V.count_errors(network, pairs, adversarial_inputs, batch_size=5) == adversarial


def test_adversary_refuses_bad_arguments():
    pairs = F.uniform_pairs(12, 30, seed=0)
    with pytest.raises(ValueError, match="n_targets"):
        A.adversarial_inputs(naive_network(pairs, 12), pairs, 3, 0)


def test_adversary_keeps_the_target_absent():
    pairs = F.star_pairs(40, 30, seed=0)
    network = naive_network(pairs, 40)
    inputs = A.adversarial_inputs(network, pairs, 3, 50, seed=2)
    assert V.count_errors(network, pairs, inputs).wrong == 0
    assert np.all(np.diff(inputs.indptr) == 3)


def test_adversary_does_not_depend_on_workers():
    pairs = F.uniform_pairs(300, 400, seed=0)
    network = undersized_network(pairs, 300, 120, 4)
    serial = A.adversarial_inputs(network, pairs, 3, 100, seed=3, chunk=30)
    parallel = A.adversarial_inputs(network, pairs, 3, 100, seed=3, chunk=30, n_jobs=2)
    assert (serial != parallel).nnz == 0


@pytest.mark.parametrize("n_layers", [1, 2])
def test_adversary_is_the_same_on_the_dense_and_sparse_paths(n_layers):
    pairs = F.uniform_pairs(300, 400, seed=0)
    network = undersized_network(pairs, 300, 120, 4)
    if n_layers == 2:   # a second layer with weights of both signs and mixed biases
        rng = np.random.default_rng(1)
        second = sp.csr_matrix((rng.random((120, 120)) < 0.3) * rng.integers(-2, 4, (120, 120)))
        network = Network(network.input_codes, network.layers + [(second, rng.integers(-3, 2, 120).astype(float))],
                          network.output_codes, 1.0)
    sparse_only = Network(network.input_codes, network.layers, network.output_codes, network.threshold)
    sparse_only.dense_budget_bytes = 0
    assert network.prepared_layers[0].dense is not None and sparse_only.prepared_layers[0].dense is None
    dense_inputs = A.adversarial_inputs(network, pairs, 3, 60, seed=4)
    assert (dense_inputs != A.adversarial_inputs(sparse_only, pairs, 3, 60, seed=4)).nnz == 0
    assert V.count_errors(network, pairs, dense_inputs) == V.count_errors(sparse_only, pairs, dense_inputs)


def two_layer_network(seed, n_inputs=200, n_outputs=300, dense_budget=None, signed_first=False):
    """Random two-layer integer network: overlapping input codes, weights of both signs, biases of both signs."""
    rng = np.random.default_rng(seed)
    n_lower, n_hidden, n_last = 40, 150, 60
    input_codes = sp.csr_matrix(rng.random((n_inputs, n_lower)) < 0.12)
    low, high = (-1, 3) if signed_first else (1, 3)
    first = sp.csr_matrix((rng.random((n_hidden, n_lower)) < 0.2) * rng.integers(low, high, (n_hidden, n_lower)))
    last = sp.csr_matrix((rng.random((n_last, n_hidden)) < 0.25) * rng.choice([-2, -1, 1, 2, 3], (n_last, n_hidden)))
    network = Network(input_codes, [(first, rng.integers(-4, 2, n_hidden).astype(float)),
                                    (last, rng.integers(-3, 2, n_last).astype(float))],
                      rng.integers(n_last, size=(n_outputs, 3)), 1.0)
    if dense_budget is not None:
        network.dense_budget_bytes = dense_budget
    return network


@pytest.mark.parametrize("seed, dense_budget, signed_first, cache", [
    (0, None, False, True), (1, 0, False, True), (2, None, True, True), (3, 0, True, False), (4, None, False, False)])
def test_two_layer_scores_equal_the_forward_pass(seed, dense_budget, signed_first, cache, monkeypatch):
    if not cache:
        monkeypatch.setattr(A, "CONE_CACHE_BYTES", 0)
    network = two_layer_network(seed, dense_budget=dense_budget, signed_first=signed_first)
    assert (network.prepared_layers[0].dense is None) == (dense_budget == 0)
    assert A.two_layer_scores_are_exact(network, 4)
    rng = np.random.default_rng(seed)
    n_groups, n_candidates = 37, 11
    targets = rng.integers(network.n_outputs, size=n_groups)
    scorer = A.TwoLayerScorer.build(network, targets)
    assert (scorer.cone_cache is None) == (not cache)
    if cache:   # the cache formed by two workers, a few neurons at a time, is the same
        monkeypatch.setattr(A, "CONE_STEP", 3)
        forked = A.TwoLayerScorer.build(network, targets, n_jobs=2).cone_cache
        assert np.array_equal(forked, scorer.cone_cache)
    for n_active in (1, 3):
        distinct = np.argsort(rng.random((n_groups, network.n_inputs)), axis=1)
        active, candidates = distinct[:, :n_active], distinct[:, n_active:n_active + n_candidates]
        generic = A.forward_scores(network, active, targets, candidates)
        fast = scorer.scores(active, targets, candidates)
        assert fast.shape == generic.shape and np.array_equal(fast, generic)
        assert np.unique(fast[2]).size > 5     # the cone score varies, so the comparison can fail


def and_then_mix(seed):
    """A tight first layer (units fire only on both full endpoint codes) under a random signed second layer."""
    pairs = F.uniform_pairs(300, 400, seed=seed)
    first = undersized_network(pairs, 300, 120, 4, seed=seed)
    rng = np.random.default_rng(seed)
    second = sp.csr_matrix((rng.random((90, 120)) < 0.3) * rng.integers(-2, 4, (90, 120)))
    return Network(first.input_codes, first.layers + [(second, rng.integers(-3, 2, 90).astype(float))],
                   rng.integers(90, size=(400, 3)), 1.0), pairs


@pytest.mark.parametrize("seed, structured", [(0, False), (2, False), (0, True), (1, True)])
def test_adversary_is_the_same_with_and_without_the_two_layer_scorer(seed, structured):
    if structured:
        network, pairs = and_then_mix(seed)
    else:
        network, pairs = two_layer_network(seed, signed_first=seed == 2), F.uniform_pairs(200, 300, seed=seed)
    fast = A.adversarial_inputs(network, pairs, 4, 80, seed=seed, n_candidates=12, chunk=25, scoring="two_layer")
    generic = A.adversarial_inputs(network, pairs, 4, 80, seed=seed, n_candidates=12, chunk=25, scoring="forward")
    assert (fast != generic).nnz == 0


def test_the_two_layer_scorer_is_only_used_when_exact():
    network = two_layer_network(0)
    assert A.two_layer_scores_are_exact(network, 3)
    (first, first_bias), last_layer = network.layers
    halves = Network(network.input_codes, [(first * 0.5, first_bias), last_layer], network.output_codes, 1.0)
    shifted = Network(network.input_codes, [(first, first_bias + 0.25), last_layer], network.output_codes, 1.0)
    assert not A.two_layer_scores_are_exact(halves, 3) and not A.two_layer_scores_are_exact(shifted, 3)
    assert not A.two_layer_scores_are_exact(Network(network.input_codes, [(first, first_bias)], network.output_codes % 150, 1.0), 3)
    huge = Network(network.input_codes, [(first * 2**22, first_bias), last_layer], network.output_codes, 1.0)
    assert not A.two_layer_scores_are_exact(huge, 3)
    pairs = F.uniform_pairs(200, 300, seed=0)
    with pytest.raises(ValueError, match="scoring='two_layer' needs a two-layer network with integer weights"):
        A.adversarial_inputs(halves, pairs, 3, 5, scoring="two_layer")
    with pytest.raises(ValueError, match="scoring must be one of"):
        A.adversarial_inputs(network, pairs, 3, 5, scoring="fast")


def test_two_layer_networks_with_empty_routing_rows_are_scored():
    # Output neurons that serve no output leave empty rows in the routing layer; the exactness check
    # summed rows with reduceat, which fails on trailing empty rows.
    pairs = F.make_pairs("heavy_power_law", 300, 300, seed=0)
    sizes = three_channel_sizes(pairs, 300, 3, dedicate=False)
    wide = replace(sizes, q_out=1009)  # 300 outputs cannot reach all 1,009 neurons of a row
    net = build_three_channel_and_network(pairs, 300, 3, seed=0, sizes=wide, enforce_bound=False)
    assert (np.diff(net.layers[1][0].indptr) == 0).any()
    assert A.verify_adversarial(net, pairs, 3, 5, seed=2).false_negatives == 0


def test_the_scorer_splits_targets_into_blocks_by_their_cost_and_scores_them_the_same(monkeypatch):
    # A hub's units read many codes, so the scorer sizes its blocks by what each target's code reads;
    # with a tiny budget every target is its own block, and the scores are those of the forward pass.
    pairs = F.make_pairs("star", 60, 59, seed=0)
    net = build_three_channel_and_network(pairs, 60, 3, seed=0)
    targets = np.arange(6)
    scorer = A.TwoLayerScorer.build(net, targets)
    active = np.array([[int(pairs[t][0])] for t in targets])
    candidates = np.array([[(7 * t + c) % 60 for c in range(4)] for t in targets])
    candidates[candidates == active] = 59
    expected = A.forward_scores(net, active, targets, candidates)
    monkeypatch.setattr(A, "SCORER_BLOCK_BYTES", 1)
    assert np.array_equal(scorer.scores(active, targets, candidates), expected)
