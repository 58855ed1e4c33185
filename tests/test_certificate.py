"""Tests of the exact certificate against brute force over every input, on correct and on undersized networks."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from handmade import undersized_network
from superpos import certificate as C
from superpos.families import make_pairs
from superpos.inputs import all_input_sets
from superpos.instance import as_and_instance
from superpos.layout import naive_and_network
from superpos.network import Network
from superpos.one_layer import OneLayerSizes, build_one_layer_and_network
from superpos.three_channel import ThreeChannelSizes, build_three_channel_and_network, three_channel_sizes

FAMILIES = ["uniform", "matching", "star", "clique", "power_law"]


def failing_outputs(network, pairs, k):
    """(outputs with a false positive, outputs with a false negative) over every input of at most k actives."""
    instance = as_and_instance(pairs, network.n_inputs)
    inputs = all_input_sets(network.n_inputs, k)
    difference = (network.compute(inputs).astype(np.int8) - instance.true_outputs(inputs).astype(np.int8)).tocoo()
    return set(difference.col[difference.data > 0].tolist()), set(difference.col[difference.data < 0].tolist())


def assert_matches_brute_force(network, pairs, k):
    """The certificate finds exactly the failing outputs of brute force, and every witness really fails."""
    instance = as_and_instance(pairs, network.n_inputs)
    certificate = C.certify(network, instance, k, max_witnesses=10**6)
    positives, negatives = failing_outputs(network, instance, k)
    found_positive = {out for out, inputs in certificate.witnesses if not set(instance.pairs[out]) <= set(inputs)}
    found_negative = {out for out, inputs in certificate.witnesses if set(instance.pairs[out]) <= set(inputs)}
    assert (found_positive, found_negative) == (positives, negatives)
    assert (certificate.false_positives, certificate.false_negatives) == (len(positives), len(negatives))
    assert certificate.passed == (not positives and not negatives)
    for out, inputs in certificate.witnesses:
        assert len(inputs) <= k and list(inputs) == sorted(set(inputs))
        decoded = bool(network.compute([list(inputs)]).toarray()[0, out])
        assert decoded != (set(instance.pairs[out]) <= set(inputs)), (out, inputs)
    return certificate


def with_bias(network, layer, bias):
    layers = [(weights, b) for weights, b in network.layers]
    layers[layer] = (layers[layer][0], bias)
    return Network(network.input_codes, layers, network.output_codes, network.threshold)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("k", [2, 3])
def test_one_layer_matches_brute_force_on_small_networks(family, k):
    m = 24
    pairs = as_and_instance(make_pairs(family, m, 12 if family == "matching" else 20, seed=k), m)
    wrong = 0
    for code_size, q_in, t, q_out in [(3, 5, 3, 5), (4, 5, 3, 7), (5, 7, 4, 7), (3, 7, 5, 11)]:
        sizes = OneLayerSizes(code_size, q_in, t, q_out, 1.0)
        network = build_one_layer_and_network(pairs, m, k, seed=q_in, sizes=sizes, enforce_bound=False)
        wrong += not assert_matches_brute_force(network, pairs, k).passed
        # Lower three biases: those neurons now miss true outputs (false negatives).
        bias = network.layers[0][1].copy()
        bias[np.random.default_rng(code_size).choice(bias.size, 3, replace=False)] -= 2
        assert_matches_brute_force(with_bias(network, 0, bias), pairs, k)
    assert wrong  # some of these sizes are too small: the test sees failures, not only passes


@pytest.mark.parametrize("n_neurons, code_size", [(12, 3), (30, 3)])
def test_one_layer_matches_brute_force_on_random_codes(n_neurons, code_size):
    pairs = as_and_instance(make_pairs("uniform", 20, 15, seed=1), 20)
    network = undersized_network(pairs.pairs, 20, n_neurons, code_size, seed=1)
    assert_matches_brute_force(network, pairs, 3)


@pytest.mark.parametrize("family, small_codes", [("star", (4, 7)), ("star", (5, 5)), ("clique", (4, 7)),
                                                 ("power_law", (4, 7)), ("matching", (4, 7))])
def test_two_layers_match_brute_force(family, small_codes):
    m, k = 22, 3
    pairs = as_and_instance(make_pairs(family, m, 11 if family == "matching" else 18, seed=k), m)
    sizes = three_channel_sizes(pairs, m, k, 0.5, dedicate=False)
    small = ThreeChannelSizes(*small_codes, sizes.compute_size, sizes.n_light_units, sizes.heavy_inputs,
                              sizes.block_sizes, 11, sizes.output_code_size, 1.0)
    for chosen in (sizes, small):
        network = build_three_channel_and_network(pairs, m, k, seed=1, sizes=chosen, enforce_bound=False)
        assert C.supported_layout(network) == "two_layer"
        assert_matches_brute_force(network, pairs, k)
        # Negative routing: flip the sign of two clamp units (both rows of each pair), raise two biases.
        (first, bias1), (routes, bias2) = network.layers
        n_units = first.shape[0] // 2
        flip = np.ones(routes.shape[1])
        for unit in np.random.default_rng(0).choice(n_units, 2, replace=False):
            flip[[unit, unit + n_units]] = -1
        bias2 = bias2.copy()
        bias2[np.random.default_rng(1).choice(bias2.size, 2, replace=False)] += 1
        flipped = Network(network.input_codes, [(first, bias1), (routes @ sp.diags(flip), bias2)],
                          network.output_codes, 1.0)
        assert_matches_brute_force(flipped, pairs, k)


def hand_two_layer(negative_weight=-1.0, saturating_weight=None):
    """Output 0 = AND(0, 1) by a clamp unit; input 2 switches on a clamp unit of weight ``negative_weight``."""
    first = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    bias1 = np.array([-1.0, -2.0, 0.0, -1.0])
    routes = np.array([[1.0, -1.0, negative_weight, -negative_weight]])
    if saturating_weight is not None:  # a plain row on input 2, weight into neuron 0
        first = np.vstack([first, [0, 0, 1]])
        bias1 = np.append(bias1, 0.0)
        routes = np.hstack([routes, [[saturating_weight]]])
    return Network(sp.identity(3, format="csr"), [(sp.csr_matrix(first), bias1), (sp.csr_matrix(routes), np.zeros(1))],
                   np.array([[0]]), 1.0)


def test_negative_routing_makes_a_superset_of_the_pair_fail():
    network = hand_two_layer()
    assert C.certify(network, [[0, 1]], 2).passed  # the pair alone fires
    result = C.certify(network, [[0, 1]], 3)
    assert (result.false_negatives, result.witnesses) == (1, ((0, (0, 1, 2)),))
    assert_matches_brute_force(network, [[0, 1]], 3)


def test_a_saturating_row_switches_its_output_on_alone():
    network = hand_two_layer(saturating_weight=3.0)  # need 1 plus the negative weight 1, and more
    result = assert_matches_brute_force(network, [[0, 1]], 3)
    assert (result.false_positives, result.false_negatives, result.witnesses) == (1, 0, ((0, (2,)),))


def test_naive_network_passes_and_reports_what_it_decided():
    pairs = make_pairs("uniform", 30, 60, seed=0)
    result = C.certify(naive_and_network(pairs, 30), pairs, 3)
    assert result.passed and result.layout == "one_layer"
    assert result.n_input_sets == 1 + 30 + 435 + 4060 and (result.n_inputs, result.n_outputs, result.k) == (30, 60, 3)


def test_a_correct_built_network_passes_with_workers():
    pairs = make_pairs("uniform", 200, 200, seed=2)
    network = build_one_layer_and_network(pairs, 200, 3, seed=0, failure_prob=1e-3)
    serial = C.certify(network, pairs, 3)
    assert serial.passed and C.certify(network, pairs, 3, n_jobs=2).passed


def test_witnesses_are_capped():
    pairs = as_and_instance(make_pairs("uniform", 20, 15, seed=1), 20)
    network = undersized_network(pairs.pairs, 20, 12, 3, seed=1)
    full, capped = C.certify(network, pairs, 3), C.certify(network, pairs, 3, max_witnesses=2)
    assert full.false_positives > 2 and capped.witnesses == full.witnesses[:2]
    assert capped.false_positives == full.false_positives


def test_unit_terms_are_the_minimal_on_sets():
    rng = np.random.default_rng(0)
    for _ in range(200):
        m, k = int(rng.integers(1, 9)), int(rng.integers(1, 4))
        column, need = rng.integers(0, 6, m), int(rng.integers(-1, 14))
        on = [subset for size in range(k + 1) for subset in itertools.combinations(range(m), size)
              if column[list(subset)].sum() >= need]
        minimal = {subset for subset in on if not any(set(other) < set(subset) for other in on)}
        terms = C.unit_terms(column, need, k)
        assert {tuple(sorted(term)) for term in terms} == minimal and len(terms) == len(minimal)


@pytest.mark.parametrize("call, error, message", [
    (lambda net, p: C.certify(net, p, 0), ValueError, "k must be at least 1"),
    (lambda net, p: C.certify(net, p, 11), ValueError, "exceeds"),
    (lambda net, p: C.certify(net, p[:3], 2), ValueError, "network has 5 outputs"),
    (lambda net, p: C.certify("net", p, 2), TypeError, "superpos.network.Network"),
    (lambda net, p: C.certify(net, p, 2, max_witnesses=-1), ValueError, "max_witnesses"),
    (lambda net, p: C.certify(net, p, 2, n_jobs=0), ValueError, "n_jobs"),
])
def test_bad_arguments_are_refused(call, error, message):
    pairs = make_pairs("uniform", 10, 5, seed=0)
    with pytest.raises(error, match=message):
        call(naive_and_network(pairs, 10), pairs)


def test_unsupported_networks_are_refused_with_the_supported_layouts():
    identity = sp.identity(3, format="csr")
    deep = Network(identity, [(identity, -np.ones(3))] * 3, np.array([[0]]), 1.0)
    negative = Network(identity, [(-identity, np.ones(3))], np.array([[0]]), 1.0)
    fractional = Network(identity, [(identity * 0.5, np.zeros(3))], np.array([[0]]), 1.0)
    for network, message in [(deep, "3 layers"), (negative, "negative weight"), (fractional, "not integers"),
                             (hand_two_layer(saturating_weight=1.0), "neither a clamp pair nor saturating")]:
        with pytest.raises(ValueError, match=message) as caught:
            C.supported_layout(network)
        assert "one_layer, two_layer" in str(caught.value)
    with pytest.raises(TypeError, match="Network"):
        C.supported_layout(None)
    huge = Network(identity, [(identity * 2.0**23, np.zeros(3))], np.array([[0]]), 1.0)
    with pytest.raises(ValueError, match="2\\*\\*24"):
        C.certify(huge, [[0, 1]], 2)


# ----------------------------------------------------------------------------- threshold gates (superpos.gates)
from superpos.gates import (GateInstance, build_gate_network, gate_layer,  # noqa: E402
                            permutation_instance, q_and_instance)
from superpos.codes import input_code_book, output_code_book  # noqa: E402


def random_gates(kind, m, m_out, seed):
    """A small gate instance: a permutation, distinct q-tuples (q-AND) or pairs read as OR."""
    rng = np.random.default_rng(seed)
    if kind == "permutation":
        return permutation_instance(rng.permutation(m))
    q = {"and3": 3, "and4": 4, "or2": 2}[kind]
    tuples = {tuple(sorted(rng.choice(m, q, replace=False).tolist())) for _ in range(4 * m_out)}
    tuples = np.array(sorted(tuples))[rng.permutation(len(tuples))[:m_out]]
    return GateInstance(tuples, 1 if kind == "or2" else q, m)


def assert_gates_match_brute_force(network, gates, k):
    """The certificate finds exactly the outputs brute force finds wrong, and every witness really is wrong."""
    certificate = C.certify(network, gates, k, max_witnesses=10**6)
    inputs = all_input_sets(network.n_inputs, k)
    difference = (network.compute(inputs).astype(np.int8) - gates.true_outputs(inputs).astype(np.int8)).tocoo()
    positives = set(difference.col[difference.data > 0].tolist())
    negatives = set(difference.col[difference.data < 0].tolist())

    def true_on(out, inputs):
        return len(set(gates.endpoints[out][gates.endpoints[out] >= 0].tolist()) & set(inputs)) >= gates.needs[out]

    found_positive = {out for out, inputs in certificate.witnesses if not true_on(out, inputs)}
    found_negative = {out for out, inputs in certificate.witnesses if true_on(out, inputs)}
    assert (found_positive, found_negative) == (positives, negatives)
    assert (certificate.false_positives, certificate.false_negatives) == (len(positives), len(negatives))
    for out, inputs in certificate.witnesses:
        assert len(inputs) <= k and list(inputs) == sorted(set(inputs))
        assert bool(network.compute([list(inputs)]).toarray()[0, out]) != true_on(out, inputs), (out, inputs)
    return certificate


@pytest.mark.parametrize("kind, k", [("permutation", 2), ("permutation", 3), ("and3", 3), ("and3", 4),
                                     ("and4", 4), ("and4", 5), ("or2", 2), ("or2", 3)])
def test_gate_networks_match_brute_force(kind, k):
    m = 22 if kind in ("permutation", "or2") else 18
    gates = random_gates(kind, m, 22 if kind == "permutation" else 16, seed=k)
    outcomes = []
    for code_size, q_in, t, q_out in [(3, 5, 3, 5), (4, 5, 3, 7), (5, 7, 4, 7), (3, 7, 5, 11)]:
        sizes = OneLayerSizes(code_size, q_in, t, q_out, 1.0)
        network = build_gate_network(gates, sizes, seed=q_in)
        outcomes.append(assert_gates_match_brute_force(network, gates, k).passed)
        # Lower three biases: those neurons now miss true outputs (false negatives).
        bias = network.layers[0][1].copy()
        bias[np.random.default_rng(code_size).choice(bias.size, 3, replace=False)] -= 2
        assert assert_gates_match_brute_force(with_bias(network, 0, bias), gates, k).false_negatives
    assert not all(outcomes)  # some of these sizes are too small: the test sees failures, not only passes


def test_gates_of_several_needs_in_one_layer_match_brute_force():
    """OR, 2-AND and 3-AND gates side by side, each need in its own block of neurons."""
    m, k = 16, 3
    parts = [random_gates("or2", m, 8, 0), GateInstance(random_gates("and3", m, 8, 1).endpoints[:, :2], 2, m),
             random_gates("and3", m, 8, 2)]
    codes = input_code_book(m, 4 * 5, 4, seed=0)
    rows, biases, blocks, offset = [], [], [], 0
    for position, part in enumerate(parts):
        width = 3 * 7
        out = output_code_book(part.n_outputs, width, 3, seed=position)
        weights, bias = gate_layer(part, codes, out, width)
        rows.append(weights)
        biases.append(bias)
        blocks.append(out + offset)
        offset += width
    endpoints = np.full((sum(p.n_outputs for p in parts), 3), -1)
    endpoints[:8, :2], endpoints[8:16, :2], endpoints[16:] = (parts[0].endpoints[:, :2], parts[1].endpoints[:, :2],
                                                              parts[2].endpoints)
    gates = GateInstance(endpoints, np.concatenate([p.needs for p in parts]), m)
    network = Network(codes, [(sp.vstack(rows).tocsr(), np.concatenate(biases))], np.vstack(blocks), 1.0)
    result = assert_gates_match_brute_force(network, gates, k)
    assert result.n_outputs == 24


@pytest.mark.parametrize("kind, k", [("permutation", 3), ("and3", 3), ("or2", 3)])
def test_gate_networks_with_clamps_and_negative_routes_match_brute_force(kind, k):
    """Two layers: every neuron becomes a clamp pair routed to itself; then two routes flip sign."""
    m = 18
    gates = random_gates(kind, m, 16, seed=5)
    network = build_gate_network(gates, OneLayerSizes(3, 5, 3, 7, 1.0), seed=3)
    weights, bias = network.layers[0]
    n = weights.shape[0]
    first = sp.vstack([weights, weights]).tocsr()
    routes = sp.hstack([sp.identity(n), -sp.identity(n)]).tocsr()
    clamped = Network(network.input_codes, [(first, np.concatenate([bias, bias - 1])), (routes, np.zeros(n))],
                      network.output_codes, 1.0)
    assert C.supported_layout(clamped) == "two_layer"
    plain, two = assert_gates_match_brute_force(network, gates, k), assert_gates_match_brute_force(clamped, gates, k)
    assert [out for out, _ in two.witnesses] == [out for out, _ in plain.witnesses]  # the same wrong outputs
    flip = np.ones(2 * n)
    for unit in np.unique(network.output_codes[:4])[:3]:
        flip[[unit, unit + n]] = -1
    shift = sp.csr_matrix((np.ones(n), (np.arange(n), (np.arange(n) + 1) % n)), shape=(n, n))
    extra = sp.hstack([shift, -shift]).tocsr()  # neuron w also reads the clamp of unit w + 1
    flipped = Network(network.input_codes, [(first, np.concatenate([bias, bias - 1])),
                                            ((routes + extra) @ sp.diags(flip), np.zeros(n))],
                      network.output_codes, 1.0)
    assert_gates_match_brute_force(flipped, gates, k)


def test_gate_and_pair_forms_of_one_and_instance_give_the_same_certificate():
    pairs = make_pairs("uniform", 24, 20, seed=3)
    network = build_one_layer_and_network(pairs, 24, 3, seed=1, sizes=OneLayerSizes(3, 5, 3, 7, 1.0),
                                          enforce_bound=False)
    as_pairs = C.certify(network, pairs, 3, max_witnesses=10**6)
    as_gates = C.certify(network, GateInstance(pairs, 2, 24), 3, max_witnesses=10**6)
    assert not as_pairs.passed
    assert (as_pairs.false_positives, as_pairs.false_negatives, as_pairs.witnesses) == \
        (as_gates.false_positives, as_gates.false_negatives, as_gates.witnesses)


def test_an_output_that_needs_more_than_k_actives_is_never_a_false_negative():
    gates = q_and_instance([[0, 1, 2], [1, 2, 3]], 6)
    network = build_gate_network(gates, OneLayerSizes(3, 3, 3, 3, 1.0), seed=0)
    result = C.certify(network, gates, 2)
    assert result.false_negatives == 0 and result.passed == (not result.false_positives)


@pytest.mark.parametrize("family", ["uniform", "star", "power_law", "clique"])
def test_dedicated_units_match_brute_force(family):
    # Networks that mix the pool, blocks and dedicated units (one unclamped ReLU routed with weight t_c),
    # built with codes small enough to fail: the certificate finds exactly what brute force finds.
    from dataclasses import replace

    m, k = 22, 3
    pairs = as_and_instance(make_pairs(family, m, 18, seed=k), m)
    sizes = three_channel_sizes(pairs, m, k, 0.5, dedicate=False)
    light = np.flatnonzero(~np.isin(pairs.pairs, sizes.heavy_inputs).any(axis=1))
    owned_by_last = np.flatnonzero((pairs.pairs == sizes.heavy_inputs[-1]).any(axis=1)) if len(sizes.heavy_inputs) else []
    dedicated = np.union1d(light[::2], owned_by_last).astype(np.int64)
    mixed = replace(sizes, heavy_inputs=sizes.heavy_inputs[:-1], block_sizes=sizes.block_sizes[:-1],
                    dedicated_outputs=dedicated)
    for chosen in (mixed, replace(mixed, code_size=5, q_in=5, q_out=11), replace(mixed, code_size=4, q_in=7)):
        network = build_three_channel_and_network(pairs, m, k, seed=1, sizes=chosen, enforce_bound=False)
        assert network.n_neurons == chosen.n_neurons
        assert C.supported_layout(network) == "two_layer"
        assert_matches_brute_force(network, pairs, k)
