"""Circuits of several layers: validation, truth, sparsity, the networks with and without clean-up."""

import itertools

import numpy as np
import pytest

from superpos.certificate import certify
from superpos.circuits import (Circuit, adversarial_circuit_inputs, and_of_ands, build_circuit_network,
                               circuit_sizes, codes_matrix, errors_by_depth, layered_circuit, minimal_true_set,
                               planted_inputs, stray_neurons)
from superpos.inputs import all_input_sets, random_input_sets
from superpos.one_layer import OneLayerSizes


def wire_values(circuit, active):
    """Brute force: the value of every wire for one input set."""
    values = [i in active for i in range(circuit.n_inputs)]
    for operation, wires in circuit.gates:
        bits = [values[w] for w in wires]
        values.append(all(bits) if operation == "and" else any(bits))
    return values


@pytest.mark.parametrize("gates, message", [
    ([("and", [0, 3]), ("or", [2])], "cycle: gate 0 \\(wire 2\\) reads wire 3, gate 1 \\(wire 3\\) reads wire 2"),
    ([("and", [0, 3])], "gate 0 reads wire 3, which does not exist: the wires are the inputs 0..1 and the gates 2..2"),
    ([("and", [0, 9])], "does not exist"),
    ([("xor", [0, 1])], "operation 'xor'"),
    ([("and", [0, 0])], "reads a wire twice"),
    ([("and", [])], "non-empty list"),
    ([], "non-empty list"),
    ([("and",)], "must be a pair"),
])
def test_bad_circuits_are_refused(gates, message):
    with pytest.raises(ValueError, match=message):
        Circuit(2, gates)


def test_a_gate_reading_itself_is_a_cycle():
    with pytest.raises(ValueError, match="gate 1 \\(wire 4\\) reads wire 4"):
        Circuit(3, [("and", [0, 1]), ("or", [3, 4])])


def test_layering_and_needs_are_checked_with_the_way_out_named():
    skip = Circuit(3, [("and", [0, 1]), ("and", [2, 3])])
    with pytest.raises(ValueError, match="carry wire 2 by copy gates"):
        skip.check_layered()
    with pytest.raises(ValueError, match="carry wire 2"):
        build_circuit_network(skip, 2)
    mixed = Circuit(3, [("and", [0, 1]), ("or", [1, 2])])
    with pytest.raises(ValueError, match="mixes gates that need \\[1, 2\\]"):
        build_circuit_network(mixed, 2)
    carried = Circuit(3, [("and", [0, 1]), ("or", [2]), ("and", [3, 4])])
    carried.check_layered(one_need=False)
    assert carried.depths.tolist() == [0, 0, 0, 1, 1, 2]


def test_evaluation_matches_brute_force_on_random_circuits():
    for seed in range(4):
        circuit = layered_circuit(9, [8, 7, 6], ["or", "and", "or"], seed=seed)
        inputs = all_input_sets(9, 3)
        levels = circuit.evaluate(inputs)
        rows = [list(inputs[r].indices) for r in range(inputs.shape[0])]
        for depth in range(1, 4):
            wires = circuit.wires_at(depth)
            expected = np.array([[wire_values(circuit, set(row))[w] for w in wires] for row in rows])
            assert np.array_equal(levels[depth].toarray(), expected)


@pytest.mark.parametrize("operations, k", [(["and"] * 3, 3), (["and"] * 3, 4), (["or", "and", "or"], 2),
                                           (["and", "or", "and"], 3)])
def test_sparsity_bounds_hold_over_every_input(operations, k):
    for seed in range(3):
        circuit = layered_circuit(14, [14, 14, 14], operations, seed=seed, fan_out=2)
        exact, bounds = circuit.exact_sparsity(k), circuit.sparsity_bounds(k)
        assert all(e <= b for e, b in zip(exact, bounds)) and exact[0] == k


def test_fan_out_is_respected_and_gates_are_distinct():
    circuit = and_of_ands(30, 30, 3, seed=1, fan_out=2)
    assert all(fan.max() <= 2 for fan in circuit.fan_outs)
    for depth in range(1, 4):
        gates = [circuit.gates[w - 30][1] for w in circuit.wires_at(depth)]
        assert len(set(gates)) == len(gates)
    with pytest.raises(ValueError, match="fan-out at most 1"):
        layered_circuit(10, [8], ["and"], fan_out=1)


@pytest.mark.parametrize("cleanup", ["clamp", "none"])
def test_no_false_negatives_at_any_depth_on_every_input(cleanup):
    """The induction of the chapter, on networks far too small to avoid false positives."""
    circuit = layered_circuit(16, [16, 16, 16], ["or", "and", "or"], seed=0, fan_out=2)
    small = [OneLayerSizes(3, 5, 3, 7, 1.0), OneLayerSizes(3, 7, 3, 7, 1.0), OneLayerSizes(3, 7, 3, 7, 1.0)]
    built = build_circuit_network(circuit, 2, seed=1, cleanup=cleanup, sizes=small)
    errors = errors_by_depth(built, all_input_sets(16, 2))
    assert errors.false_negatives == (0, 0, 0) and sum(errors.false_positives) > 0
    assert errors_by_depth(built, all_input_sets(16, 2), mode="decode").false_negatives == (0, 0, 0)


def test_the_clamp_keeps_deep_layers_right_where_raw_values_do_not():
    circuit = and_of_ands(120, 120, 3, seed=2, fan_out=2)
    sizes = circuit_sizes(circuit, 3, 1e-4)
    inputs = random_input_sets(120, 3, 400, seed=3)
    raw = errors_by_depth(build_circuit_network(circuit, 3, seed=0, cleanup="none", sizes=sizes), inputs)
    clamped = build_circuit_network(circuit, 3, seed=0, cleanup="clamp", sizes=sizes)
    assert sum(errors_by_depth(clamped, inputs).wrong) == 0 and raw.wrong[-1] > 0
    for depth in range(1, 4):
        assert certify(clamped.layer_network(depth), circuit.layer_instance(depth), 3).passed


def test_sizes_chain_and_mismatched_sizes_are_refused():
    circuit = and_of_ands(40, 40, 2, seed=0)
    sizes = circuit_sizes(circuit, 3, 1e-3)
    assert (sizes[1].code_size, sizes[1].q_in) == (sizes[0].output_code_size, sizes[0].q_out)
    with pytest.raises(ValueError, match="must be layer 1's output code"):
        build_circuit_network(circuit, 3, sizes=[sizes[0], OneLayerSizes(3, 7, 3, 11, 1.0)])
    with pytest.raises(ValueError, match="cleanup must be one of"):
        build_circuit_network(circuit, 3, cleanup="soft")
    with pytest.raises(ValueError, match="one OneLayerSizes per layer"):
        build_circuit_network(circuit, 3, sizes=sizes[:1])


def test_planted_and_adversarial_inputs():
    circuit = layered_circuit(50, [50, 50, 50], ["or", "and", "or"], seed=4, fan_out=2)
    planted = planted_inputs(circuit, 2, 40, seed=1)
    assert circuit.evaluate(planted)[-1].getnnz(axis=1).min() >= 1  # every planted input makes a last gate true
    built = build_circuit_network(circuit, 2, failure_prob=1e-3)
    adversarial = adversarial_circuit_inputs(built, 2, 10, seed=2)
    assert adversarial.shape == (10, 50) and np.all(np.diff(adversarial.indptr) == 2)
    rng = np.random.default_rng(0)
    wire = int(circuit.wires_at(3)[0])
    chosen = minimal_true_set(circuit, wire, rng)
    assert wire_values(circuit, chosen)[wire]


def test_stray_neurons_are_the_on_neurons_outside_the_true_codes():
    circuit = and_of_ands(30, 30, 2, seed=5, fan_out=2)
    built = build_circuit_network(circuit, 3, failure_prob=1e-3)
    inputs = random_input_sets(30, 3, 20, seed=6)
    strays = stray_neurons(built, inputs)
    activations = built.network.forward(inputs)
    truth = circuit.evaluate(inputs)
    for depth in (1, 2):
        width = built.channel_width(depth)
        for row in range(20):
            on = set(np.flatnonzero(activations[depth][row, :width] >= 1))
            codes = set(built.codes[depth][truth[depth][row].indices].ravel().tolist())
            assert strays[depth - 1][row] == len(on - codes)
    with pytest.raises(ValueError, match="neuron indices"):
        codes_matrix(np.array([[0, 5]]), 5)
