"""The counting bound: family sizes against exact integers, the bounds, capacity, validation."""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pytest

from superpos import bounds, families, verify
from superpos.inputs import all_input_sets


def test_docstring_examples_run():
    result = doctest.testmod(bounds, extraglobs={"bounds": bounds, "math": math})
    assert result.attempted > 20 and result.failed == 0

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


@pytest.mark.parametrize("task", bounds.TASKS)
def test_min_bits_is_the_exact_ceiling(task):
    start = 1 if task == "permutation" else 3
    outputs = np.arange(start, 700)
    sizes = [bounds.family_size(task, int(k)) for k in outputs]
    assert bounds.min_bits(task, outputs).tolist() == [(size - 1).bit_length() for size in sizes]


def test_min_bits_exact_powers_of_two():
    # |F| = 2 (two permutations of two features) is exactly one bit, not two
    assert bounds.min_bits("permutation", 2) == 1
    assert bounds.min_bits("and", 1, m_in=2) == 0


def test_min_params_divides_bits_by_precision():
    bits = bounds.min_bits("permutation", 10**6)
    for precision in (1, 3, 8, 32):
        params = bounds.min_params("permutation", 10**6, bits_per_param=precision)
        assert params * precision >= bits > (params - 1) * precision


def test_min_layer_width_is_the_least_width_and_vectorised():
    outputs = np.round(np.geomspace(3, 1e9, 50)).astype(np.int64)
    needed = bounds.min_bits("and", outputs)
    for precision, layers in ((1, 1), (8, 1), (8, 4), (32, 2)):
        width = bounds.min_layer_width("and", m_in=outputs, m_out=outputs, bits_per_param=precision, layers=layers)
        budget = precision * layers
        assert np.all(budget * width * (width + 1) >= needed)
        assert np.all((width == 0) | (budget * (width - 1) * width < needed))


def test_min_layer_width_grows_like_sqrt_m_log_m():
    outputs = np.array([10**4, 10**6, 10**8])
    width = bounds.min_layer_width("permutation", outputs, bits_per_param=1)
    ratio = width / np.sqrt(outputs * np.log2(outputs))
    assert np.all(np.abs(ratio - 1) < 0.12)


def test_min_neurons_to_represent_is_logarithmic():
    assert bounds.min_neurons_to_represent(4, 1, bits_per_neuron=1) == 3  # 5 sets, 3 bits
    small = bounds.min_neurons_to_represent(10**6, 3, bits_per_neuron=1)
    large = bounds.min_neurons_to_represent(10**12, 3, bits_per_neuron=1)
    assert 55 <= small <= 60 and 115 <= large <= 120  # about 3 log2 m - log2 6


def test_min_params_ticket_is_below_the_fixed_bound_and_monotone_in_slots():
    fixed = bounds.min_params("permutation", 500, bits_per_param=2)
    few = bounds.min_params_ticket("permutation", 500, bits_per_param=2, n_slots=fixed)
    many = bounds.min_params_ticket("permutation", 500, bits_per_param=2, n_slots=10**7)
    assert few <= fixed and many < few
    bits = bounds.min_bits("permutation", 500)
    description = math.log2(math.comb(10**7, many)) + 2 * many
    assert description >= bits > math.log2(math.comb(10**7, many - 1)) + 2 * (many - 1)


def test_min_total_neurons_is_the_least_total_and_below_the_layer_bound():
    outputs = np.round(np.geomspace(3, 1e9, 40)).astype(np.int64)
    needed = bounds.min_bits("and", outputs)
    for precision in (1, 8):
        total = bounds.min_total_neurons("and", outputs, bits_per_param=precision)
        slots = -(-needed // precision)
        assert np.all(total * total // 4 + total >= slots)
        assert np.all((total - 1) ** 2 // 4 + total - 1 < slots)
        # any depth, counted over all layers, against one layer n -> n counted as 2n neurons
        assert np.all(total <= 2 * bounds.min_layer_width("and", outputs, bits_per_param=precision) + 1)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_min_total_neurons_stays_exact_where_the_bits_pass_int64():
    # log2|F| for 10^17 and 10^18 pairs exceeds 2^62: the count must not wrap around.
    for outputs in (10**16, 10**17, 10**18):
        needed = bounds.min_bits("and", outputs)
        total = bounds.min_total_neurons("and", outputs, bits_per_param=1)
        assert needed > 2**62 or outputs == 10**16
        assert bounds.total_neuron_slots(total) >= needed > bounds.total_neuron_slots(total - 1)
        assert 2.0 < total / math.sqrt(outputs * math.log2(outputs)) < 2.01
    many = np.array([10**6, 10**18])
    assert bounds.min_total_neurons("and", many, many, bits_per_param=1).tolist() == [
        bounds.min_total_neurons("and", 10**6, bits_per_param=1),
        bounds.min_total_neurons("and", 10**18, bits_per_param=1)]


def test_dense_slots_never_exceed_the_depth_free_count():
    for total in range(2, 11):
        for cuts in range(1, total):
            for places in itertools.combinations(range(1, total), cuts):
                edges = (0, *places, total)
                widths = [edges[i + 1] - edges[i] for i in range(len(edges) - 1)]
                assert bounds.dense_slots(widths) <= bounds.total_neuron_slots(total)


def test_sauer_count_matches_brute_force_on_small_families():
    # intervals of a line of M points shatter 2 points and no 3: at most Phi_2(M) subsets
    for points in range(1, 9):
        intervals = {frozenset(range(a, c)) for a in range(points + 1) for c in range(a, points + 1)}
        assert len(intervals) == bounds.sauer_count(points, 2)


def test_threshold_labelings_match_cover_and_respect_sauer():
    rng = np.random.default_rng(3)
    for points, dimension in ((5, 1), (7, 2), (7, 3)):
        count = bounds.count_threshold_labelings(rng.normal(size=(points, dimension)))
        assert count == 2 * sum(math.comb(points - 1, j) for j in range(dimension + 1))
    code_points = all_input_sets(3, 2).toarray().astype(int) @ np.eye(3, dtype=int)
    assert bounds.count_threshold_labelings(code_points) <= bounds.sauer_count(len(code_points), 4)
    assert bounds.count_threshold_labelings([[1.0, 2.0], [1.0, 2.0]]) == 2  # equal points share their label


def test_counts_beyond_int64_pairs():
    # C(m, 2) overflows int64 beyond m = 3e9; the checks and the distinguishing set stay exact
    m_in = 4 * 10**9
    assert bounds.distinguishing_set_size("and", m_in) == m_in * (m_in - 1) // 2
    assert bounds.capacity_real(65536, 1, "and") > bounds.capacity(65536, 8, 1, "and")
    with pytest.raises(ValueError, match="overflows int64"):
        bounds.distinguishing_set_size("and", [10, m_in])


def test_log2_functions_bound_forms():
    assert bounds.log2_functions_bound(0, 100) == 0.0
    assert bounds.log2_functions_bound(10, 100) == pytest.approx(10 * math.log2(100 * math.e))
    assert bounds.log2_functions_bound(10, 100, layers=2, max_width=4) == pytest.approx(2 + 20 * math.log2(16 * math.e * 100))


@pytest.mark.parametrize("task", bounds.TASKS)
def test_min_params_real_is_the_least_solution(task):
    for depth in (1, 2, 4):
        for m_out in (5, 50, 500, 10**5, 10**8):
            p = bounds.min_params_real(task, m_out, layers=depth)
            target = bounds.log2_family_size(task, m_out)
            points = bounds.distinguishing_set_size(task, m_out)
            assert bounds.log2_functions_bound(p, points, depth, max(p, 1)) >= target
            assert bounds.log2_functions_bound(p - 1, points, depth, max(p - 1, 1)) < target


def test_min_params_real_orders_and_what_the_cap_buys():
    m_out = 10**8
    perm = bounds.min_params_real("permutation", m_out)
    pairs = bounds.min_params_real("and", m_out)
    # log2(m'/e) / log2(e m') and its 2-AND analogue approach 1 and 1/2 slowly
    assert 0.85 < perm / m_out < 1.0 and 0.45 < pairs / m_out < 0.55
    # depth helps real weights (about 1/L), never the b-bit bound
    assert bounds.min_params_real("and", m_out, layers=4) < pairs / 4
    gain = bounds.min_params("and", m_out, bits_per_param=1) / pairs
    assert gain == pytest.approx(math.log2(math.e * m_out * (m_out - 1) / 2), rel=0.02)
    # at b bits above log2(e |X_F|) the cap buys nothing: the real bound is the stronger one
    assert bounds.min_params("and", m_out, bits_per_param=64) < pairs


def test_min_total_neurons_real_depth_free_is_weakest():
    for task in bounds.TASKS:
        one = bounds.min_total_neurons_real(task, 10**6, layers=1)
        two = bounds.min_total_neurons_real(task, 10**6, layers=2)
        free = bounds.min_total_neurons_real(task, 10**6)
        assert free < two < one < bounds.min_total_neurons(task, 10**6, bits_per_param=8)


# --------------------------------------------------------------------------- lottery tickets


@pytest.mark.parametrize("family, n_inputs, n_outputs, k", [
    ("uniform", 18, 30, 3), ("clique", 14, 30, 3), ("star", 26, 25, 2), ("uniform", 12, 20, 4)])
def test_lottery_ticket_is_exact_on_every_input(family, n_inputs, n_outputs, k):
    pairs = families.make_pairs(family, n_inputs, n_outputs, seed=2)
    net = bounds.lottery_ticket_network(pairs, n_inputs, k, seed=5)
    assert verify.verify_exhaustive(net, pairs, k).wrong == 0
    s, q_in, t, q_out = bounds.ticket_code_sizes(n_inputs, n_outputs, k)
    assert net.widths == [s * q_in, n_outputs, t * q_out] and net.bits_per_param == 1
    assert net.n_params <= n_outputs * (2 * s + 1 + t)


def test_lottery_ticket_fails_beyond_the_sparsity_it_was_built_for():
    # the exactness argument needs s >= 2k - 1 and t >= C(k, 2) + 1; with more actives it breaks
    pairs = families.make_pairs("uniform", 18, 40, seed=1)
    net = bounds.lottery_ticket_network(pairs, 18, 2, seed=0)
    assert verify.verify_exhaustive(net, pairs, 2).wrong == 0
    assert verify.verify_exhaustive(net, pairs, 4).false_positives > 0


@pytest.mark.parametrize("task, m_out, n_slots, bits", [("permutation", 12, 60, 1), ("and", 9, 40, 2),
                                                         ("permutation", 30, 400, 1)])
def test_ticket_bound_counts_tickets_of_every_size(task, m_out, n_slots, bits):
    # No ticket keeping fewer slots than the answer, of any number up to it, can hold the family:
    # sum_{j <= p} C(P, j) 2^(b j) <= 2^(b p) Phi_p(P) < |F| for every p below it.
    found = bounds.min_params_ticket(task, m_out, bits_per_param=bits, n_slots=n_slots)
    family = bounds.family_size(task, m_out)
    tickets = sum(math.comb(n_slots, j) * 2 ** (bits * j) for j in range(found))
    assert tickets < family
    assert 2 ** (bits * (found - 1)) * bounds.sauer_count(n_slots, found - 1) < family
    assert found <= bounds.min_params(task, m_out, bits_per_param=bits)


def test_lottery_ticket_beats_the_fixed_position_bound_at_scale():
    m_out = 10**5
    pairs = families.make_pairs("uniform", m_out, m_out, seed=0)
    net = bounds.lottery_ticket_network(pairs, m_out, 3)
    host = bounds.dense_slots(net.widths)
    assert net.n_params < bounds.min_params("and", m_out, bits_per_param=1)
    assert net.n_params >= bounds.min_params_ticket("and", m_out, bits_per_param=1, n_slots=host)


@pytest.mark.parametrize("task, m_out, bits", [("and", 10**6, 1), ("and", 500, 8), ("permutation", 2000, 1)])
@pytest.mark.parametrize("integers", [0, 4])
def test_total_neurons_with_chosen_widths_is_the_least_solution(task, m_out, bits, integers):
    found = bounds.min_total_neurons_chosen(task, m_out, bits_per_param=bits, code_integers=integers)
    needed = bounds.min_bits(task, m_out)

    def held(total):  # b (N^2/4 + N) + N - 1 + ceil(c log2 N), in exact integers
        return bits * bounds.total_neuron_slots(total) + total - 1 + (total**integers - 1).bit_length()

    assert held(found) >= needed > held(found - 1)
    fixed = bounds.min_total_neurons(task, m_out, bits_per_param=bits)
    assert found <= fixed and fixed - found <= 0.05 * fixed


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize("task", bounds.TASKS)
@pytest.mark.parametrize("width", [1, 2, 7, 100, 4096])
@pytest.mark.parametrize("precision", [1, 16])
def test_capacity_is_the_largest_fitting_family(task, width, precision):
    found = bounds.capacity(width, precision, 2, task)
    budget = precision * 2 * (width * width + width)
    assert bounds.min_bits(task, found) <= budget < bounds.min_bits(task, found + 1)
    assert abs(bounds.capacity_lambert(width, precision, 2, task) - found) <= 2 or found < 10
    low, high = bounds.capacity_bounds(width, precision, 2, task)
    assert low <= found <= high


def test_capacity_grows_like_n_squared_over_log_n():
    widths = np.array([2**8, 2**12, 2**16])
    scaled = np.array([bounds.capacity(int(n), 8, 1, "and") * np.log(n) / n**2 for n in widths])
    # tends to b ln 2 / 2 from above, slowly (the ln ln n term of W)
    assert np.all(scaled > 8 * np.log(2) / 2) and abs(scaled[-1] / (8 * np.log(2) / 2) - 1) < 0.06


def test_capacity_ledger_value():
    assert bounds.capacity(4096, 8, 1, "and") == 5856267
    assert bounds.capacity_lambert(4096, 8, 1, "and") == pytest.approx(5856266.87, abs=0.01)


@pytest.mark.parametrize("task", bounds.TASKS)
def test_capacity_real_is_order_n_squared(task):
    for width in (64, 1024):
        found = bounds.capacity_real(width, 1, task)
        scale = found / width**2
        assert (1.0 < scale < 1.4) if task == "permutation" else (1.8 < scale < 2.2)
        assert found > bounds.capacity(width, 8, 1, task)


def test_construction_capacity_reports_a_fitting_network():
    fits = bounds.construction_capacity([1300], m_min=100, m_max=1000, per_decade=1)
    assert fits[0].m_out == 100 and fits[0].next_m_out == 1000
    assert max(fits[0].input_width, fits[0].output_width) <= 1300


def test_construction_capacity_refines_to_a_close_failing_neighbour():
    fit, = bounds.construction_capacity([1300], m_min=100, m_max=1000, per_decade=1, rel_tol=0.1)
    assert 100 <= fit.m_out < fit.next_m_out <= max(fit.m_out + 1, 1.1 * fit.m_out)
    assert max(fit.input_width, fit.output_width) <= 1300
    beyond, = bounds.construction_capacity([1300], m_min=fit.next_m_out, m_max=fit.next_m_out)
    assert beyond.m_out is None  # the neighbour reported does not fit


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
    (lambda: bounds.min_bits("xor", 5), ValueError, "task must be one of"),
    (lambda: bounds.min_bits("permutation", 5, m_in=6), ValueError, "m_in must equal m_out"),
    (lambda: bounds.min_bits("and", 2), ValueError, "m_in >= 3 when m_in = m_out"),
    (lambda: bounds.min_params("and", 10, bits_per_param=0), ValueError, "bits_per_param must be an integer >= 1"),
    (lambda: bounds.min_params("and", 10, bits_per_param=[1, 2]), TypeError, "bits_per_param must be a single"),
    (lambda: bounds.min_layer_width("and", 10, bits_per_param=8, layers=0), ValueError, "layers must be an integer >= 1"),
    (lambda: bounds.capacity(0, 8), ValueError, "n_neurons must be an integer >= 1"),
    (lambda: bounds.capacity(64, 8, task="or"), ValueError, "task must be one of"),
    (lambda: bounds.capacity_lambert(64, 0.5), ValueError, "bits_per_param must be an integer"),
    (lambda: bounds.family_size("permutation", bounds.EXACT_LIMIT + 1), ValueError, "EXACT_LIMIT"),
    (lambda: bounds.min_params_ticket("permutation", 100, bits_per_param=1, n_slots=10), ValueError, "no sub-network"),
    (lambda: bounds.min_neurons_to_represent(3, 4, bits_per_neuron=1), ValueError, "max_active must be at most"),
    (lambda: bounds.min_params_real("and", 10, layers=0), ValueError, "layers must be an integer >= 1"),
    (lambda: bounds.min_total_neurons("and", 10, bits_per_param=0), ValueError, "bits_per_param must be an integer"),
    (lambda: bounds.dense_slots([5]), ValueError, "at least two layer widths"),
    (lambda: bounds.dense_slots([5, 0]), ValueError, "every width must be at least 1"),
    (lambda: bounds.count_threshold_labelings([1.0, 2.0]), ValueError, "finite 2-D array"),
    (lambda: bounds.count_threshold_labelings(np.zeros((30, 2))), ValueError, "at most max_points"),
    (lambda: bounds.log2_functions_bound(-1, 10), ValueError, "n_params must be at least 0"),
    (lambda: bounds.lottery_ticket_network([[0, 1]], 4, k=0), ValueError, "k must be in"),
    (lambda: bounds.construction_capacity([100], rel_tol=-1), ValueError, "rel_tol must be None"),
    (lambda: bounds.min_total_neurons_chosen("and", 10, bits_per_param=1, code_integers=-1), ValueError,
     "code_integers must be at least 0"),
    (lambda: bounds.min_total_neurons_chosen("and", [10, 20], bits_per_param=1), TypeError, "single integers"),
    (lambda: bounds.distinguishing_set_size("and", 10, m_in=4), ValueError, "at most C\\(m_in, 2\\)"),
])
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_whole_valued_floats_are_accepted():
    assert bounds.min_bits("permutation", 1e3) == bounds.min_bits("permutation", 1000)
