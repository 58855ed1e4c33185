"""q-AND: tuples, sizing, the network, and the refusal of q > k."""

import numpy as np
import pytest

from superpos.certificate import certify
from superpos.gates import GateInstance, gate_failure_bound
from superpos.inputs import random_input_sets
from superpos.one_layer import OneLayerSizes
from superpos.q_and import as_q_and, build_q_and_network, check_q_and_k, q_and_sizes, random_q_tuples
from superpos.verify import count_errors


def test_random_tuples_are_distinct_sorted_and_seeded():
    tuples = random_q_tuples(50, 300, 4, seed=3)
    assert tuples.shape == (300, 4) and np.all(np.diff(tuples, axis=1) > 0)
    assert len({tuple(row) for row in tuples.tolist()}) == 300
    assert np.array_equal(tuples, random_q_tuples(50, 300, 4, seed=3))
    assert not np.array_equal(tuples, random_q_tuples(50, 300, 4, seed=4))
    every = random_q_tuples(6, 20, 3, seed=0)  # all C(6, 3) = 20 of them
    assert len({tuple(row) for row in every.tolist()}) == 20
    large = random_q_tuples(10**5, 1000, 3, seed=1)
    assert large.max() < 10**5 and len({tuple(row) for row in large.tolist()}) == 1000


@pytest.mark.parametrize("q", [3, 4])
def test_sized_networks_have_no_false_negatives_and_pass_the_certificate(q):
    m = 80
    tuples = random_q_tuples(m, m, q, seed=q)
    sizes = q_and_sizes(tuples, m, q + 1, 1e-3)
    instance = as_q_and(tuples, m)
    assert sizes.failure_bound == pytest.approx(float(gate_failure_bound(
        instance, q + 1, sizes.code_size, sizes.q_in, sizes.output_code_size, sizes.q_out)))
    network = build_q_and_network(tuples, m, q + 1, seed=0, sizes=sizes)
    assert network.bits_per_param == 1
    assert certify(network, instance, q + 1).passed
    small = build_q_and_network(tuples, m, q + 1, seed=0, sizes=OneLayerSizes(q, 11, 3, 11, 1.0))
    errors = count_errors(small, instance, random_input_sets(m, q + 1, 2000, seed=1))
    assert errors.false_negatives == 0 and errors.false_positives > 0


def test_q_larger_than_k_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="q = 4 is larger than k = 3"):
        build_q_and_network(random_q_tuples(20, 10, 4), 20, 3)
    with pytest.raises(ValueError, match="q = 3 is larger than k = 2"):
        q_and_sizes(random_q_tuples(20, 10, 3), 20, 2)
    check_q_and_k(3, 3)


def test_bad_tuples_are_refused():
    with pytest.raises(ValueError, match="exceeds C\\(5, 3\\)"):
        random_q_tuples(5, 11, 3)
    with pytest.raises(ValueError, match="need = arity"):
        as_q_and(GateInstance([[0, 1, 2]], 1, 4))
    with pytest.raises(ValueError, match="no padding"):
        build_q_and_network([[0, 1, -1]], 4, 3)
    with pytest.raises(ValueError, match="n_inputs"):
        as_q_and([[0, 1, 2]])
