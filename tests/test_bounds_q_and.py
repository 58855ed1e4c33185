"""The counting bound for q-AND (superpos.bounds) and its checks (superpos.bounds_symbolic)."""

import math

import numpy as np
import pytest

from superpos import bounds
from superpos import bounds_symbolic as checks


def exact_log2(value: int) -> float:
    shift = max(value.bit_length() - 60, 0)
    return math.log2(value >> shift) + shift


@pytest.mark.parametrize("m_in, q", [(12, 3), (15, 4), (40, 3), (200, 4)])
def test_family_size_and_bits_match_exact_integers(m_in, q):
    outputs = np.unique(np.linspace(1, min(math.comb(m_in, q), 2500), 25).astype(int))
    numeric = np.atleast_1d(bounds.log2_num_q_and_instances(m_in, outputs, q))
    for count, value in zip(outputs.tolist(), numeric):
        exact = bounds.q_and_family_size(count, m_in, q=q)
        assert exact == math.comb(math.comb(m_in, q), count)
        assert value == pytest.approx(exact_log2(exact), rel=1e-12)
        assert bounds.min_bits_q_and(count, m_in, q=q) == (exact - 1).bit_length()


def test_q_two_is_pairwise_and():
    outputs = np.array([1, 10, 500, 4000])
    assert np.allclose(bounds.log2_num_q_and_instances(100, outputs, 2),
                       bounds.log2_num_and_instances(100, outputs), rtol=1e-12)
    assert np.array_equal(bounds.min_total_neurons_q_and(outputs, 100, q=2, bits_per_param=1),
                          bounds.min_total_neurons("and", outputs, 100, bits_per_param=1))


def test_large_families_are_computed_to_double_precision():
    # m' beyond the term-by-term range: the series and the direct sum agree where both apply
    big = float(math.comb(10**9, 3))
    direct = bounds.log2_num_q_and_instances(10**9, 2 * 10**7, 3)
    assert 2 * 10**7 / big < 1e-3
    assert direct == pytest.approx(2 * 10**7 * math.log2(big) - math.lgamma(2 * 10**7 + 1) / math.log(2), rel=1e-9)
    ratio = bounds.log2_num_q_and_instances(10**8, 10**8, 4) / (10**8 * math.log2(10**8))
    assert 2.5 < ratio < 3


def test_neurons_and_parameters_are_the_least_that_hold_the_bits():
    outputs = np.arange(5, 400)
    for q in (3, 4):
        needed = np.atleast_1d(bounds.min_bits_q_and(outputs, q=q))
        for bits in (1, 4):
            params = np.atleast_1d(bounds.min_params_q_and(outputs, q=q, bits_per_param=bits))
            assert np.all(params * bits >= needed) and np.all((params - 1) * bits < needed)
            total = np.atleast_1d(bounds.min_total_neurons_q_and(outputs, q=q, bits_per_param=bits))
            assert np.all(bits * (total**2 // 4 + total) >= needed)
            assert np.all(bits * ((total - 1) ** 2 // 4 + total - 1) < needed)
    assert bounds.neurons_holding(0) == 0 and bounds.neurons_holding(np.array([1, 2])).tolist() == [1, 2]


@pytest.mark.parametrize("call, message", [
    (lambda: bounds.log2_num_q_and_instances(3, 1, 4), "at least q = 4"),
    (lambda: bounds.log2_num_q_and_instances(5, 11, 3), "at most C\\(m_in, q\\)"),
    (lambda: bounds.q_and_family_size(4000, 10**4, q=3), "EXACT_LIMIT"),
    (lambda: bounds.min_bits_q_and(10, q=0), "q must be at least 1"),
    (lambda: bounds.min_params_q_and(10, q=3, bits_per_param=0), "bits_per_param"),
])
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_checks_pass():
    results = checks.run_q_and(m_max=300, exact_m_max=14)
    assert [check.name for check in results if not check.passed] == []
    assert {check.name for check in results} == {"q-and-family-size-exact", "q-and-order", "q-and-neurons-exact"}


def test_the_checks_can_fail(monkeypatch):
    real = bounds.log2_num_q_and_instances
    monkeypatch.setattr(bounds, "log2_num_q_and_instances", lambda m_in, m_out, q: real(m_in, m_out, q) * (1 + 1e-9))
    assert not checks.check_q_and_family_size_exact(10).passed
    monkeypatch.undo()
    real_total = bounds.min_total_neurons_q_and
    monkeypatch.setattr(bounds, "min_total_neurons_q_and", lambda *a, **kw: np.asarray(real_total(*a, **kw)) + 1)
    assert not checks.check_q_and_neurons_exact(200).passed
