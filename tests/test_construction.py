"""Tests of the construction chapter's experiments."""

import numpy as np

from math import comb

from superpos.construction import (certified_against_bound, certify_families, construction_neurons_curve,
                                  phase_transition, verify_families)
from superpos.families import make_pairs


def test_neurons_curve():
    curve = construction_neurons_curve([100, 200], k=3, seed=0)
    assert list(curve["n_outputs"]) == [100, 200] and list(curve["n_inputs"]) == [100, 200]
    assert np.all(np.diff(curve["n_neurons"]) > 0) and np.all(curve["n_params"] > 0)
    # At these sizes one ReLU per AND between the two channels (every output dedicated) is the smallest.
    assert list(curve["n_layers"]) == [2, 2] and list(curve["compute_width"]) == [100, 200]
    assert np.array_equal(curve["input_width"] + curve["compute_width"] + curve["output_width"], curve["n_neurons"])
    assert list(curve["naive_neurons"]) == [200, 400]


def test_verify_families_counts_every_check_and_finds_no_error():
    families = ("uniform", "star", "power_law")
    rows = verify_families(2, exhaustive_m=10, scale_m_out=60, random_samples=50, adversarial_targets=5, seed=0,
                           families=families)
    assert [r["check"] for r in rows] == ["exhaustive"] * 9 + ["random", "adversarial"] * 3
    assert [r["layers"] for r in rows[:9]] == [1, 2, 3] * 3
    # Every network checked shares its units: a ReLU per AND is exact by proof and sampling it tests nothing.
    assert "dedicated" not in {r["layout"] for r in rows}
    assert [r["family"] for r in rows[:9:3]] == list(families)
    exhaustive = rows[0]
    assert exhaustive["inputs"] == 1 + 10 + 45 and exhaustive["decisions"] == exhaustive["inputs"] * exhaustive["m'"]
    assert all(r["wrong"] == 0 for r in rows)


def test_phase_transition_errors_vanish_at_the_chosen_size():
    pairs = make_pairs("uniform", 300, 300, seed=0)
    phase = phase_transition(pairs, 300, 3, n_points=3, random_samples=300, adversarial_targets=20, seed=0)
    assert phase.false_negatives == 0
    assert list(phase.n_neurons) == sorted(phase.n_neurons) and phase.n_neurons[-1] == phase.chosen.n_neurons
    assert phase.random_wrong_per_input[-1] == 0 and phase.adversarial_wrong_per_input[-1] == 0
    # The smallest network is starved enough that the adversary finds errors.
    assert phase.adversarial_wrong_per_input[0] > 0
    # The certificate sees every input: it finds every output that sampling found wrong, and more.
    assert phase.certified_false_negatives == 0 and phase.certified_wrong_outputs[-1] == 0
    assert phase.certified_wrong_outputs[0] > 0
    assert all(c > 0 for c, a in zip(phase.certified_wrong_outputs, phase.adversarial_wrong_per_input) if a > 0)


def test_certify_families_decides_every_input_of_every_family():
    rows = certify_families(3, 60, seed=0, families=("uniform", "clique", "power_law"))
    assert [r["family"] for r in rows] == ["uniform", "clique", "power_law"]
    for r in rows:
        assert r["inputs"] == sum(comb(r["m"], j) for j in range(4))
        assert r["passed"] and r["false positives"] == r["false negatives"] == 0
        assert r["one per AND"] == r["m"] + r["m'"]


def test_certified_networks_are_smaller_than_bound_sized_ones():
    curve = certified_against_bound([100, 200], k=3, seed=0, output_code_sizes=(8,), rel_tol=0.1)
    assert list(curve["n_outputs"]) == [100, 200]
    assert np.all(curve["certified_neurons"] < curve["bound_neurons"]) and np.all(curve["trials"] >= 2)
    # The proved bound is evaluated on the same instance, and asks for more than the heuristic one.
    assert np.all(curve["proved_neurons"] > curve["bound_neurons"])
    scale = np.sqrt(curve["n_outputs"] * np.log2(curve["n_outputs"]))
    assert np.allclose(curve["certified_ratio"], curve["certified_neurons"] / scale)
