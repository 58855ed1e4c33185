"""The permutation construction: the proved bound holds on built networks, the sizes meet it, bad input is refused."""

import numpy as np
import pytest

from superpos.certificate import certify
from superpos.gates import build_gate_network
from superpos.one_layer import OneLayerSizes
from superpos.permutation import (as_permutation, build_permutation_network, order_sizes, permutation_failure_bound,
                                  permutation_sizes, random_permutation, served_most)


def test_the_proved_bound_is_not_beaten_by_the_certified_failure_rate():
    """Over 24 seeds, the share of networks the certificate fails stays below the mean proved bound."""
    m, k, (s, q_in, t, q_out) = 200, 2, (10, 61, 9, 47)
    bounds, failures = [], []
    for seed in range(24):
        instance = as_permutation(random_permutation(m, seed))
        served = served_most(m, t, q_out, seed)
        bounds.append(min(1.0, float(permutation_failure_bound(m, k, s, q_in, t, served))))
        network = build_gate_network(instance, OneLayerSizes(s, q_in, t, q_out, 1.0), seed)
        failures.append(not certify(network, instance, k).passed)
    assert 0.05 < np.mean(bounds) < 1
    assert np.mean(failures) <= np.mean(bounds) + 2 * np.sqrt(np.mean(bounds) / len(bounds))


def test_networks_far_below_the_bound_fail_the_certificate():
    m, k = 200, 3
    instance = as_permutation(random_permutation(m, 0))
    sizes = OneLayerSizes(3, 17, 4, 17, 1.0)
    assert permutation_failure_bound(m, k, 3, 17, 4, served_most(m, 4, 17, 0)) >= 1
    result = certify(build_gate_network(instance, sizes, 0), instance, k)
    assert not result.passed and result.false_negatives == 0


def test_the_bound_grows_with_load_and_falls_with_code_sizes():
    loads = np.array([10, 20, 40, 80])
    assert np.all(np.diff(permutation_failure_bound(5000, 3, 12, 101, 14, loads)) > 0)
    by_t = [float(permutation_failure_bound(5000, 3, 12, 101, t, 60)) for t in (8, 12, 16)]
    assert by_t[0] > by_t[1] > by_t[2]
    assert float(permutation_failure_bound(5000, 3, 3, 101, 40, 60)) >= 1  # s ≤ k leaves some β = 1


def test_sizes_meet_the_bound_with_the_exact_load_and_the_network_is_certified():
    m, k = 400, 3
    sizes = permutation_sizes(m, k, 1e-4, seed=2)
    served = served_most(m, sizes.output_code_size, sizes.q_out, seed=2)
    exact = float(permutation_failure_bound(m, k, sizes.code_size, sizes.q_in, sizes.output_code_size, served))
    assert exact == pytest.approx(sizes.failure_bound) and exact <= 1e-4
    network = build_permutation_network(random_permutation(m, 2), k, seed=2, sizes=sizes)
    assert network.widths == [sizes.n_input_neurons, sizes.n_output_neurons] and network.bits_per_param == 1
    assert certify(network, as_permutation(random_permutation(m, 2)), k).passed


def test_the_order_sizes_grow_like_the_square_root_of_m_log_m():
    values = [10**3, 10**5, 10**7, 10**9, 10**12]
    sizes = [order_sizes(m, 3) for m in values]
    assert all(s.failure_bound <= 1e-6 for s in sizes)
    ratios = np.array([s.n_neurons / np.sqrt(m * np.log2(m)) for s, m in zip(sizes, values)])
    assert np.all(np.diff(ratios) < 0) and ratios[-1] > 0.5 * ratios[0]  # falling, and levelling off
    growth = np.array([s.code_size for s in sizes])
    assert growth[-1] <= 2 * growth[0] + 5  # s = t grow like the square root of log m'


def test_bad_permutations_and_sizes_are_refused():
    with pytest.raises(ValueError, match="not a permutation"):
        build_permutation_network([0, 0, 1], 2)
    with pytest.raises(TypeError, match="OneLayerSizes"):
        build_permutation_network([1, 0, 2], 2, sizes=(3, 3, 3, 3))
    with pytest.raises(ValueError, match="k must be"):
        build_permutation_network([1, 0, 2], 4)
    from superpos.gates import q_and_instance
    with pytest.raises(ValueError, match="one endpoint per output"):
        as_permutation(q_and_instance([[0, 1]], 2))
