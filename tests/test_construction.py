"""Tests of the construction chapter's experiments."""

import numpy as np

from superpos.construction import construction_neurons_curve, phase_transition, verify_families
from superpos.families import make_pairs


def test_neurons_curve():
    curve = construction_neurons_curve([100, 200], k=3, seed=0)
    assert list(curve["n_outputs"]) == [100, 200] and list(curve["n_inputs"]) == [100, 200]
    assert np.all(np.diff(curve["n_neurons"]) > 0) and np.all(curve["n_params"] > 0)
    assert list(curve["n_layers"]) == [1, 1] and list(curve["compute_width"]) == [0, 0]
    assert np.array_equal(curve["input_width"] + curve["output_width"], curve["n_neurons"])
    assert list(curve["naive_neurons"]) == [200, 400]


def test_verify_families_counts_every_check_and_finds_no_error():
    families = ("uniform", "star", "power_law")
    rows = verify_families(2, exhaustive_m=10, scale_m_out=60, random_samples=50, adversarial_targets=5, seed=0,
                           families=families)
    assert [r["check"] for r in rows] == ["exhaustive"] * 6 + ["random", "adversarial"] * 3
    assert [r["layers"] for r in rows[:6]] == [1, 2] * 3
    assert [r["family"] for r in rows[:6:2]] == list(families)
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
