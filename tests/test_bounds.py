"""The counting bound: family sizes against exact integers, the bounds, capacity, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from superpos import bounds

# --------------------------------------------------------------------------- family sizes


def test_log2_num_permutations_matches_exact_factorials():
    outputs = np.arange(1, 400)
    exact = np.array([math.log2(math.factorial(int(k))) if k < 170 else math.lgamma(k + 1) / math.log(2)
                      for k in outputs])
    assert np.allclose(bounds.log2_num_permutations(outputs), exact, rtol=1e-13, atol=1e-13)
    assert bounds.log2_num_permutations(1) == 0.0
    assert isinstance(bounds.log2_num_permutations(5), float)


def test_log2_num_permutations_at_scale_lies_between_stirling_bounds():
    outputs = np.array([10**6, 10**9, 10**12])
    value = bounds.log2_num_permutations(outputs)
    lower = outputs * np.log2(outputs) - outputs * np.log2(np.e)
    assert np.all(lower <= value) and np.all(value <= lower + np.log2(np.e * np.sqrt(outputs)))


@pytest.mark.parametrize("m_in", [2, 3, 5, 17, 40, 1000])
def test_log2_num_and_instances_matches_exact_binomials(m_in):
    pairs = m_in * (m_in - 1) // 2
    outputs = np.unique(np.linspace(1, min(pairs, 3000), 30).astype(int))
    exact = np.array([_log2(math.comb(pairs, int(k))) for k in outputs])
    assert np.allclose(bounds.log2_num_and_instances(m_in, outputs), exact, rtol=1e-11, atol=1e-12)


def _log2(value: int) -> float:
    shift = max(value.bit_length() - 60, 0)
    return math.log2(value >> shift) + shift


def test_log2_num_and_instances_keeps_precision_when_few_pairs_are_chosen():
    # one pair out of C(10^9, 2): log2 C(N, 1) = log2 N, where lgamma differences lose everything
    m_in = 10**9
    assert bounds.log2_num_and_instances(m_in, 1) == pytest.approx(math.log2(m_in * (m_in - 1) / 2), rel=1e-14)
    assert bounds.log2_num_and_instances(3, 3) == 0.0


def test_family_size_is_exact():
    assert bounds.family_size("permutation", 5) == 120
    assert bounds.family_size("and", 3, m_in=4) == 20
    assert bounds.family_size("and", 3) == 1


# --------------------------------------------------------------------------- bits, parameters, neurons


@pytest.mark.parametrize("family", bounds.FAMILIES)
def test_min_bits_is_the_exact_ceiling(family):
    start = 1 if family == "permutation" else 3
    outputs = np.arange(start, 700)
    sizes = [bounds.family_size(family, int(k)) for k in outputs]
    assert bounds.min_bits(family, outputs).tolist() == [(size - 1).bit_length() for size in sizes]


def test_min_bits_exact_powers_of_two():
    # |F| = 2 (two permutations of two features) is exactly one bit, not two
    assert bounds.min_bits("permutation", 2) == 1
    assert bounds.min_bits("and", 1, m_in=2) == 0


def test_min_params_divides_bits_by_precision():
    bits = bounds.min_bits("permutation", 10**6)
    for precision in (1, 3, 8, 32):
        params = bounds.min_params("permutation", 10**6, bits_per_param=precision)
        assert params * precision >= bits > (params - 1) * precision


def test_min_neurons_is_the_least_width_and_vectorised():
    outputs = np.round(np.geomspace(3, 1e9, 50)).astype(np.int64)
    needed = bounds.min_bits("and", outputs)
    for precision, layers in ((1, 1), (8, 1), (8, 4), (32, 2)):
        width = bounds.min_neurons("and", m_in=outputs, m_out=outputs, bits_per_param=precision, layers=layers)
        budget = precision * layers
        assert np.all(budget * width * (width + 1) >= needed)
        assert np.all((width == 0) | (budget * (width - 1) * width < needed))


def test_min_neurons_grows_like_sqrt_m_log_m():
    outputs = np.array([10**4, 10**6, 10**8])
    width = bounds.min_neurons("permutation", outputs, bits_per_param=1)
    ratio = width / np.sqrt(outputs * np.log2(outputs))
    assert np.all(np.abs(ratio - 1) < 0.12)


def test_min_neurons_to_represent_is_logarithmic():
    assert bounds.min_neurons_to_represent(4, 1, bits_per_neuron=1) == 3  # 5 sets, 3 bits
    small = bounds.min_neurons_to_represent(10**6, 3, bits_per_neuron=1)
    large = bounds.min_neurons_to_represent(10**12, 3, bits_per_neuron=1)
    assert 55 <= small <= 60 and 115 <= large <= 120  # about 3 log2 m - log2 6


def test_min_params_sparse_is_below_the_fixed_bound_and_monotone_in_slots():
    fixed = bounds.min_params("permutation", 500, bits_per_param=2)
    few = bounds.min_params_sparse("permutation", 500, bits_per_param=2, n_slots=fixed)
    many = bounds.min_params_sparse("permutation", 500, bits_per_param=2, n_slots=10**7)
    assert few <= fixed and many < few
    bits = bounds.min_bits("permutation", 500)
    description = math.log2(math.comb(10**7, many)) + 2 * many
    assert description >= bits > math.log2(math.comb(10**7, many - 1)) + 2 * (many - 1)


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize("family", bounds.FAMILIES)
@pytest.mark.parametrize("width", [1, 2, 7, 100, 4096])
@pytest.mark.parametrize("precision", [1, 16])
def test_capacity_is_the_largest_fitting_family(family, width, precision):
    found = bounds.capacity(width, precision, 2, family)
    budget = precision * 2 * (width * width + width)
    assert bounds.min_bits(family, found) <= budget < bounds.min_bits(family, found + 1)
    assert abs(bounds.capacity_lambert(width, precision, 2, family) - found) <= 2 or found < 10


def test_capacity_grows_like_n_squared_over_log_n():
    widths = np.array([2**8, 2**12, 2**16])
    scaled = np.array([bounds.capacity(int(n), 8, 1, "and") * np.log(n) / n**2 for n in widths])
    # tends to b ln 2 / 2 from above, slowly (the ln ln n term of W)
    assert np.all(scaled > 8 * np.log(2) / 2) and abs(scaled[-1] / (8 * np.log(2) / 2) - 1) < 0.06


def test_capacity_ledger_value():
    assert bounds.capacity(4096, 8, 1, "and") == 5856267
    assert bounds.capacity_lambert(4096, 8, 1, "and") == pytest.approx(5856266.87, abs=0.01)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("call, error, message", [
    (lambda: bounds.log2_num_permutations(0), ValueError, "m_out must be an integer >= 1"),
    (lambda: bounds.log2_num_permutations(2.5), ValueError, "m_out must be an integer"),
    (lambda: bounds.log2_num_permutations(True), TypeError, "boolean"),
    (lambda: bounds.log2_num_permutations([1, 0]), ValueError, "smallest value is 0"),
    (lambda: bounds.log2_num_permutations(["a"]), TypeError, "array of integers"),
    (lambda: bounds.log2_num_permutations(float("nan")), ValueError, "m_out must be an integer"),
    (lambda: bounds.log2_num_and_instances(4, 7), ValueError, "at most C\\(m_in, 2\\)"),
    (lambda: bounds.log2_num_and_instances(1, 1), ValueError, "at most C\\(m_in, 2\\)"),
    (lambda: bounds.min_bits("xor", 5), ValueError, "family must be one of"),
    (lambda: bounds.min_bits("permutation", 5, m_in=6), ValueError, "m_in must equal m_out"),
    (lambda: bounds.min_bits("and", 2), ValueError, "m_in >= 3 when m_in = m_out"),
    (lambda: bounds.min_params("and", 10, bits_per_param=0), ValueError, "bits_per_param must be an integer >= 1"),
    (lambda: bounds.min_params("and", 10, bits_per_param=[1, 2]), TypeError, "bits_per_param must be a single"),
    (lambda: bounds.min_neurons("and", 10, bits_per_param=8, layers=0), ValueError, "layers must be an integer >= 1"),
    (lambda: bounds.capacity(0, 8), ValueError, "n_neurons must be an integer >= 1"),
    (lambda: bounds.capacity(64, 8, family="or"), ValueError, "family must be one of"),
    (lambda: bounds.capacity_lambert(64, 0.5), ValueError, "bits_per_param must be an integer"),
    (lambda: bounds.family_size("permutation", bounds.EXACT_LIMIT + 1), ValueError, "EXACT_LIMIT"),
    (lambda: bounds.min_params_sparse("permutation", 100, bits_per_param=1, n_slots=10), ValueError, "no sub-network"),
    (lambda: bounds.min_neurons_to_represent(3, 4, bits_per_neuron=1), ValueError, "max_active must be at most"),
])
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_whole_valued_floats_are_accepted():
    assert bounds.min_bits("permutation", 1e3) == bounds.min_bits("permutation", 1000)
