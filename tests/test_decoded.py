"""Tests of superpos.decoded: the decoded layout for pair graphs on few vertices, and its certificate."""

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

import superpos.decoded as decoded
from superpos.certificate import certify, supported_layout
from superpos.decoded import (DecodedSizes, build_decoded_and_network, certify_decoded, decoded_failure_bound,
                              decoded_sizes, decoded_vertices, embedded_lines, largest_pair_loads)
from superpos.families import clique_pairs, near_clique_pairs, uniform_pairs
from superpos.one_layer import one_layer_sizes
from superpos.inputs import all_input_sets, count_input_sets
from superpos.instance import as_and_instance
from superpos.layout import LargerThanNaiveWarning, build_and_network, choose_layout
from superpos.network import Network
from superpos.verify import verify_exhaustive, verify_random


def sizes_for(pairs, m, plane_q, t_c, t, q_out, k=3, seed=0):
    """Sizes of a decoded network with the given plane, embeddings and routing, counted with the public API."""
    vertices, local = np.unique(np.asarray(pairs), return_inverse=True)
    local = local.reshape(-1, 2)
    lines = embedded_lines(local, len(vertices), plane_q, t_c, seed)
    n_units = sum(np.unique(lines[:, j]).size for j in range(t_c))
    load = int(largest_pair_loads(local, len(vertices), plane_q, t_c, seed)[-1])
    q_in = 5 if m <= 25 else 11
    return DecodedSizes(k + 1, q_in, len(vertices), plane_q, t_c, n_units, load, t, q_out, seed, 1.0)


def wrong_outputs_by_brute_force(net, pairs, m, k):
    """(false-positive outputs, false-negative outputs) over every input with at most k actives."""
    inputs = all_input_sets(m, k)
    difference = (net.compute(inputs).astype(np.int8)
                  - as_and_instance(pairs, m).true_outputs(inputs).astype(np.int8)).tocoo()
    return set(difference.col[difference.data > 0].tolist()), set(difference.col[difference.data < 0].tolist())


def test_a_clique_is_right_on_every_input_and_the_certificate_agrees():
    pairs = clique_pairs(16, 21)  # a clique on 7 of 16 features
    net = build_decoded_and_network(pairs, 16, 3, seed=0)
    assert len(net.layers) == 3 and net.widths[1] == 2 * 7
    assert verify_exhaustive(net, pairs, 3).wrong == 0
    verdict = certify(net, pairs, 3)
    assert verdict.layout == "decoded" and verdict.passed
    assert verdict.n_input_sets == count_input_sets(16, 3)


@pytest.mark.parametrize("plane_q, t_c, t, q_out", [(3, 1, 4, 5), (3, 2, 4, 5), (5, 2, 4, 7), (5, 3, 5, 5)])
def test_the_certificate_finds_exactly_the_wrong_outputs_of_networks_built_too_small(plane_q, t_c, t, q_out):
    m = 12
    pairs = near_clique_pairs(m, 20, seed=1)
    sizes = sizes_for(pairs, m, plane_q, t_c, t, q_out)
    net = build_decoded_and_network(pairs, m, 3, seed=0, sizes=sizes, enforce_bound=False)
    positives, negatives = wrong_outputs_by_brute_force(net, pairs, m, 3)
    assert not negatives  # no false negatives, whatever the sizes
    verdict = certify_decoded(net, pairs, 3, max_witnesses=1000)
    assert verdict.false_positives == len(positives) and verdict.false_negatives == 0
    assert {output for output, _ in verdict.witnesses} == positives
    for output, witness in verdict.witnesses:  # each witness really is wrong
        decided = net.compute([list(witness)]).toarray()[0, output]
        truth = as_and_instance(pairs, m).true_outputs(sp.csr_matrix(
            (np.ones(len(witness), bool), list(witness), [0, len(witness)]), shape=(1, m))).toarray()[0, output]
        assert decided and not truth


def test_some_undersized_network_is_wrong_so_the_certificate_can_fail():
    pairs = clique_pairs(12, 28)
    sizes = sizes_for(pairs, 12, 3, 1, 4, 7)
    net = build_decoded_and_network(pairs, 12, 3, seed=0, sizes=sizes, enforce_bound=False)
    assert not certify(net, pairs, 3).passed


def test_no_false_negatives_on_random_inputs_at_scale():
    pairs = clique_pairs(2000, 1000)
    net = build_decoded_and_network(pairs, 2000, 3, seed=3, failure_prob=1e-3)
    assert verify_random(net, pairs, 3, 500, seed=1).false_negatives == 0


def test_the_same_seed_builds_the_same_network_and_another_seed_another():
    pairs = clique_pairs(100, 300)
    first = build_decoded_and_network(pairs, 100, 3, seed=5, failure_prob=1e-3)
    again = build_decoded_and_network(pairs, 100, 3, seed=5, failure_prob=1e-3)
    other = build_decoded_and_network(pairs, 100, 3, seed=6, failure_prob=1e-3)
    assert all((a[0] != b[0]).nnz == 0 for a, b in zip(first.layers, again.layers))
    assert any(a[0].shape != b[0].shape or (a[0] != b[0]).nnz for a, b in zip(first.layers, other.layers))


def test_lines_hold_every_pair_once_per_embedding_and_collinear_points_share_a_line():
    q = 5
    pairs = np.array([(a, b) for a in range(20) for b in range(a + 1, 20)])
    lines = embedded_lines(pairs, 20, q, 3, seed=0)
    assert lines.shape == (190, 3)
    for j in range(3):
        assert np.all((lines[:, j] >= j * (q * q + q)) & (lines[:, j] < (j + 1) * (q * q + q)))
        # A line of AG(2, 5) holds at most 5 points, so at most C(5, 2) = 10 pairs.
        assert np.bincount(lines[:, j]).max() <= 10
        # Pairs on one line form a clique on its points: (a, b) and (a, c) on line L put (b, c) on L.
        on_line = {}
        for (a, b), line in zip(pairs.tolist(), lines[:, j].tolist()):
            on_line.setdefault(line, set()).update((a, b))
        for line, points in on_line.items():
            for a in points:
                for b in points:
                    if a < b:
                        assert lines[pairs.tolist().index([a, b]), j] == line


def test_pair_loads_grow_with_the_embeddings():
    pairs = clique_pairs(30, 45)
    _, local = np.unique(pairs, return_inverse=True)
    loads = largest_pair_loads(local.reshape(-1, 2), 10, 5, 5)
    assert loads[0] >= 1 and np.all(np.diff(loads) >= 1)


def collinear_counts(n_vertices, plane_q, seed):
    """For every triple of vertices, in how many of the q embeddings it is collinear (brute force)."""
    pairs = np.array([(a, b) for a in range(n_vertices) for b in range(a + 1, n_vertices)])
    lines = embedded_lines(pairs, n_vertices, plane_q, plane_q, seed)
    index = {pair: row for row, pair in enumerate(map(tuple, pairs.tolist()))}
    triples = [(a, b, c) for a in range(n_vertices) for b in range(a + 1, n_vertices) for c in range(b + 1, n_vertices)]
    first = lines[[index[(a, b)] for a, b, _ in triples]]
    second = lines[[index[(a, c)] for a, _, c in triples]]
    return (first == second).sum(axis=1)


@pytest.mark.parametrize("plane_q, seed", [(7, 0), (11, 4)])
def test_three_vertices_are_collinear_in_at_most_three_embeddings(plane_q, seed):
    # Every point of AG(2, q) is a vertex, so every triple the placement can make is checked.
    counts = collinear_counts(plane_q * plane_q, plane_q, seed)
    assert counts.max() == decoded.COLLINEAR_MAX  # the Lemma's bound, and it is reached
    # Random embeddings instead of the twists would put some triple on one line in more of them.
    rng = np.random.default_rng(seed)
    points = [rng.permutation(plane_q * plane_q) for _ in range(plane_q)]
    x, y = np.divmod(np.array(points), plane_q)
    a, b, c = (np.array(v) for v in zip(*[(a, b, c) for a in range(30) for b in range(a + 1, 30)
                                           for c in range(b + 1, 30)]))
    det = ((x[:, b] - x[:, a]) * (y[:, c] - y[:, a]) - (x[:, c] - x[:, a]) * (y[:, b] - y[:, a])) % plane_q
    assert (det == 0).sum(axis=0).max() > decoded.COLLINEAR_MAX


def test_an_absent_output_gets_at_most_three_per_other_active_from_its_own_units():
    # The own-spoil step of the bound, on a built network: for every absent output and every input with
    # at most k = 3 actives, the units of its own compute code sum to at most 3(k - 1) = 6.
    pairs = clique_pairs(30, 66)  # a clique on 12 of 30 features
    net = build_decoded_and_network(pairs, 30, 3, seed=0, failure_prob=1e-3)
    vertices, local = np.unique(pairs, return_inverse=True)
    sizes = decoded_sizes(pairs, 30, 3, 1e-3, seed=0)
    lines = embedded_lines(local.reshape(-1, 2), len(vertices), sizes.plane_q, sizes.compute_size, seed=0)
    own_units = np.unique(lines, return_inverse=True)[1].reshape(lines.shape)  # units numbered as built
    inputs = all_input_sets(30, 3)
    units = net.forward(inputs)[2]
    unit_values = units.toarray() if sp.issparse(units) else np.asarray(units)
    own_mass = unit_values[:, own_units].sum(axis=2)  # (inputs, outputs)
    truth = as_and_instance(pairs, 30).true_outputs(inputs).toarray()
    assert own_mass[truth].min() >= sizes.compute_size  # a true output: every unit is at least 1
    assert 0 < own_mass[~truth].max() <= decoded.COLLINEAR_MAX * (3 - 1)


def test_the_bound_falls_with_a_wider_routing_layer_and_needs_free_rows():
    wide = decoded_failure_bound(10_000, 142, 3, 17, 1000, 10, [300, 700, 3000], 423.0)
    assert wide[0] >= wide[1] >= wide[2] and wide[2] < 1e-6
    assert decoded_failure_bound(10_000, 142, 3, 17, 1000, 3, [3000], 423.0)[0] == 1.0  # no free row
    assert decoded_failure_bound(10_000, 142, 3, 6, 1000, 10, [3000], 423.0)[0] == 1.0  # t_c <= 3(k - 1)
    per_input = decoded_failure_bound(10_000, 142, 3, 17, 1000, 10, [700], 423.0, guarantee="per_input")
    assert per_input[0] < wide[1]


def test_sizes_meet_the_bound_and_count_the_neurons_they_build():
    pairs = clique_pairs(400, 1000)
    sizes = decoded_sizes(pairs, 400, 3, 1e-6, seed=2)
    assert sizes.failure_bound <= 1e-6 and sizes.seed == 2
    net = build_decoded_and_network(pairs, 400, 3, seed=2, sizes=sizes)
    assert net.n_neurons == sizes.n_neurons


def test_the_chooser_decodes_a_clique_and_not_uniform_pairs():
    # At m' = 1000 a ReLU per AND (three channels, every output dedicated) is smaller than both; the
    # chooser still takes the smallest, and decoding beats the one layer on a clique, not on uniform pairs.
    clique, uniform = clique_pairs(1000, 1000), uniform_pairs(1000, 1000, seed=0)
    chosen = choose_layout(clique, 1000, 3, 1e-6)
    decoded = decoded_sizes(clique, 1000, 3, 1e-6, seed=0)
    assert chosen[1].n_neurons <= decoded.n_neurons < one_layer_sizes(clique, 1000, 3, 1e-6).n_neurons
    with pytest.raises(ValueError, match="no decoded sizes within the search range with fewer than 2605 neurons"):
        decoded_sizes(uniform, 1000, 3, 1e-6, seed=0, max_neurons=one_layer_sizes(uniform, 1000, 3, 1e-6).n_neurons)
    with pytest.warns(LargerThanNaiveWarning):  # at m' = 1000 one neuron per AND is smaller
        net = build_and_network(clique_pairs(1000, 1000), 1000, 3, seed=0, layout="decoded")
    assert len(net.layers) == 3


def test_bad_input_gets_a_clear_error(monkeypatch):
    pairs = clique_pairs(40, 190)
    sizes = decoded_sizes(pairs, 40, 3, 1e-3, seed=0)
    with pytest.raises(ValueError, match="sizes count the units of seed 0, but the network is built with seed 1"):
        build_decoded_and_network(pairs, 40, 3, seed=1, sizes=sizes, failure_prob=1e-3)
    with pytest.raises(TypeError, match="sizes must be DecodedSizes"):
        build_decoded_and_network(pairs, 40, 3, sizes=(1, 2), failure_prob=1e-3)
    with pytest.raises(ValueError, match="decode layer is exact only for code_size s >= k \\+ 1 = 4"):
        build_decoded_and_network(pairs, 40, 3, sizes=replace(sizes, code_size=3), failure_prob=1e-3)
    with pytest.raises(ValueError, match="sizes too small for the guarantee"):
        build_decoded_and_network(pairs, 40, 3, sizes=sizes, failure_prob=sizes.failure_bound / 10)
    with pytest.raises(ValueError, match="fewer than the 20 vertices to place"):
        embedded_lines(np.array([[0, 1]]), 20, 3, 1)
    with pytest.raises(ValueError, match="q = 5 twists of GF\\(q\\), so t_c must be in \\[1, 5\\], got t_c = 6"):
        embedded_lines(np.array([[0, 1]]), 20, 5, 6)
    monkeypatch.setattr(decoded, "MAX_VERTEX_PAIRS", 100)
    with pytest.raises(ValueError, match="v = 20 vertices.*C\\(v, 2\\) = 190 vertex pairs"):
        decoded_sizes(pairs, 40, 3, 1e-3)


def test_the_certificate_refuses_three_layers_of_another_kind():
    identity = sp.identity(4, format="csr")
    other = Network(identity, [(identity, -np.ones(4))] * 3, np.array([[0]]), 1.0)
    with pytest.raises(ValueError, match="3 layers but is not of the decoded layout.*supported layouts: "
                                         "one_layer, two_layer, decoded"):
        supported_layout(other)
    pairs = clique_pairs(40, 190)
    net = build_decoded_and_network(pairs, 40, 3, failure_prob=1e-3)
    assert supported_layout(net) == "decoded"
    # Codes that share two neurons let three actives fill a decoded code: the Lemma fails, and it is said.
    codes = net.input_codes.tolil()
    first = int(decoded_vertices(net, 3)[0])
    row = codes.rows[first]
    other_input = next(i for i in range(40) if i not in set(decoded_vertices(net, 3).tolist()))
    for neuron in row[:2]:
        codes[other_input, neuron] = 1
    broken = Network(codes.tocsr(), net.layers, net.output_codes, net.threshold)
    with pytest.raises(ValueError, match="shares [23] neurons with another code"):
        decoded_vertices(broken, 3)
