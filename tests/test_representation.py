"""Tests of superpos.representation: inputs, codes, decoding, theory and the minimum-n search."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from superpos import representation as rep
from superpos.inputs import all_input_sets, as_input_sets, random_input_sets


# ----------------------------------------------------------------------------- codes


def test_dense_code_is_nested_in_m_and_n_and_seeded():
    big = rep.dense_code(5000, 150, seed=3)
    small = rep.dense_code(4200, 70, seed=3)
    np.testing.assert_array_equal(big.signs[:4200, :70], small.signs)
    np.testing.assert_array_equal(big.prefix(m=4200, n=70).signs, small.signs)
    assert set(np.unique(big.signs)) == {-1, 1}
    np.testing.assert_allclose(np.linalg.norm(small.vectors(), axis=1), 1.0)
    assert not np.array_equal(rep.dense_code(100, 20, seed=4).signs, rep.dense_code(100, 20, seed=3).signs)
    generator_a = rep.dense_code(50, 10, np.random.default_rng(9)).signs
    generator_b = rep.dense_code(50, 10, np.random.default_rng(9)).signs
    np.testing.assert_array_equal(generator_a, generator_b)


def test_dense_code_signs_are_fair():
    signs = rep.dense_code(2000, 100, seed=0).signs
    assert abs(signs.mean()) < 0.01


@pytest.mark.parametrize("n, s", [(200, 5), (40, 20), (10, 10)])  # both sampling routes and s = n
def test_sparse_code_rows_are_distinct_sorted_in_range(n, s):
    code = rep.sparse_code(3000, n, s, seed=0)
    assert code.neurons.shape == (3000, s) and code.n == n and code.s == s
    assert code.neurons.min() >= 0 and code.neurons.max() < n
    assert np.all(np.diff(code.neurons, axis=1) > 0)
    np.testing.assert_array_equal(code.neurons, rep.sparse_code(3000, n, s, seed=0).neurons)
    usage = np.bincount(code.neurons.ravel(), minlength=n)
    mean = 3000 * s / n
    assert np.all(np.abs(usage - mean) < 5 * math.sqrt(mean))  # neurons used evenly


def test_code_arguments_are_checked():
    with pytest.raises(ValueError, match="n must be at least 1"):
        rep.dense_code(10, 0)
    with pytest.raises(ValueError, match=r"s must be in \[1, 5\]"):
        rep.sparse_code(10, 5, 6)
    with pytest.raises(TypeError, match="seed must be"):
        rep.dense_code(10, 5, seed="x")
    with pytest.raises(TypeError, match="code must be a DenseCode or a SparseCode"):
        rep.encode(np.ones((3, 3)), [[0]])


# ----------------------------------------------------------------------------- encode, read, decode


def test_encode_matches_definitions():
    dense = rep.dense_code(50, 30, seed=0)
    sparse = rep.sparse_code(50, 30, 4, seed=0)
    sets = [[1, 7, 9], [3], []]
    v = rep.encode(dense, sets)
    for row, active in zip(v, sets):
        np.testing.assert_allclose(row, dense.vectors()[active].sum(axis=0), atol=1e-6)
    counts = rep.encode(sparse, sets).toarray()
    for row, active in zip(counts, sets):
        expected = np.zeros(30, int)
        for i in active:
            expected[sparse.neurons[i]] += 1
        np.testing.assert_array_equal(row, expected)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_decode_agrees_with_thresholded_reads(kind):
    m, n, k = 300, 40, 3
    code = rep.dense_code(m, n, seed=2) if kind == "dense" else rep.sparse_code(m, n, 8, seed=2)
    sets = random_input_sets(m, k, 400, seed=5)
    activations = rep.encode(code, sets)
    threshold = 0.5 if kind == "dense" else 1
    expected = rep.reads(code, activations) >= threshold - rep.READ_TOLERANCE
    decoded = rep.decode(code, activations).toarray().astype(bool)
    np.testing.assert_array_equal(decoded, expected)
    truth = as_input_sets(sets, m).toarray().astype(bool)
    errors = rep.decoding_errors(code, sets)
    assert errors.false_positives == int((decoded & ~truth).sum())
    assert errors.false_negatives == int((~decoded & truth).sum())
    assert errors.wrong_inputs == int((decoded != truth).any(axis=1).sum())
    assert errors.decisions == 400 * m and errors.complete
    assert errors.false_positives > 0  # n = 40 is too small: the test can fail
    if kind == "sparse":
        assert errors.false_negatives == 0  # threshold 1 never misses a present feature


def test_decoding_errors_can_stop_at_the_first_error():
    code = rep.dense_code(20_000, 16, seed=0)
    sets = random_input_sets(20_000, 3, 50, seed=0)
    early = rep.decoding_errors(code, sets, stop_at_first=True)
    assert not early.exact and not early.complete and early.decisions < 50 * 20_000


def test_wide_codes_decode_exactly():
    sets = random_input_sets(2000, 3, 500, seed=1)
    assert rep.decoding_errors(rep.dense_code(2000, 600, seed=0), sets).exact
    assert rep.decoding_errors(rep.sparse_code(2000, 200, 40, seed=0), sets).exact


def _decode_by_definition(code, activations, threshold):
    """Decoded sets straight from the definitions, as a dense boolean (n_samples, m) array."""
    if isinstance(code, rep.DenseCode):
        return np.asarray(activations) @ code.vectors().T >= threshold - rep.READ_TOLERANCE
    counts = activations.toarray() if sp.issparse(activations) else np.asarray(activations)
    return (counts[:, code.neurons] >= threshold).all(axis=2)


@pytest.fixture(params=["one block, one thread", "many blocks, two threads"])
def decoder_blocks(request, monkeypatch):
    """Run a test with the decoders' default blocks, then with tiny blocks, a short prefilter and two threads."""
    if request.param != "one block, one thread":
        monkeypatch.setattr(rep, "SPARSE_FEATURE_BLOCK", 64)
        monkeypatch.setattr(rep, "DENSE_FEATURE_BLOCK", 48)
        monkeypatch.setattr(rep, "DENSE_INPUT_BLOCK", 40)
        monkeypatch.setattr(rep, "SPARSE_PREFILTER_LOOKUPS", 2)
        monkeypatch.setattr(rep, "DECODE_THREADS", 2)
    else:
        monkeypatch.setattr(rep, "DECODE_THREADS", 1)


@pytest.mark.parametrize("m, n, s, n_samples, k", [
    (1, 5, 2, 3, 1),          # a single feature
    (301, 40, 7, 700, 3),     # m not a multiple of 64, odd s, several groups of 256 inputs
    (200, 30, 1, 65, 2),      # one neuron per feature
    (130, 300, 5, 90, 3),     # more neurons than the pair table allows: single look-ups
    (257, 20, 20, 10, 4),     # s = n: a feature fires only where every neuron is reached
    (90, 60, 33, 300, 3),     # more neurons per code than the prefilter looks up
])
def test_sparse_decode_equals_the_definition(decoder_blocks, m, n, s, n_samples, k):
    code = rep.sparse_code(m, n, s, seed=m + n)
    rng = np.random.default_rng(s)
    for activations in (rep.encode(code, random_input_sets(m, min(k, m), n_samples, seed=1)),
                        rng.integers(0, 3, size=(n_samples, n)),           # arbitrary counts
                        sp.csr_matrix((n_samples, n), dtype=np.int32),     # nothing reached: no feature
                        np.ones((n_samples, n)),                           # everything reached: all features
                        np.ones((0, n))):                                  # no inputs
        for threshold in (1, 2):
            expected = _decode_by_definition(code, activations, threshold)
            decoded = rep.decode(code, activations, threshold)
            assert decoded.shape == (activations.shape[0], m) and decoded.has_sorted_indices
            np.testing.assert_array_equal(decoded.toarray().astype(bool), expected)
    assert rep.decode(code, np.ones((3, n))).nnz == 3 * m


@pytest.mark.parametrize("m, n, n_samples", [(1, 7, 2), (301, 24, 130), (97, 50, 1), (64, 16, 0)])
def test_dense_decode_equals_the_definition_ties_included(decoder_blocks, m, n, n_samples):
    code = rep.dense_code(m, n, seed=m)
    rng = np.random.default_rng(n)
    # integer sums over sqrt(n): every read is a multiple of 1/n, so reads equal to the threshold are common
    for activations in (rep.encode(code, random_input_sets(m, min(3, m), n_samples, seed=2)),
                        rng.integers(-3, 4, size=(n_samples, n)) / math.sqrt(n),
                        code.vectors()[rng.integers(0, m, n_samples)] * 40):  # every feature reads far above
        for threshold in (0.5, 0.25, -1.0):
            expected = _decode_by_definition(code, activations, threshold)
            decoded = rep.decode(code, activations, threshold)
            assert decoded.has_sorted_indices
            np.testing.assert_array_equal(decoded.toarray().astype(bool), expected)
    ties = rng.integers(-3, 4, size=(200, n)) / math.sqrt(n)
    reads = np.rint(n * ties @ code.vectors().T)
    assert n * 0.5 not in reads or rep.decode(code, ties)[reads == n * 0.5].min() == 1  # a tie counts as reached


def test_decoding_errors_stop_early_across_threads(monkeypatch):
    monkeypatch.setattr(rep, "SPARSE_FEATURE_BLOCK", 256)
    monkeypatch.setattr(rep, "DECODE_THREADS", 2)
    code = rep.sparse_code(20_000, 12, 3, seed=0)
    sets = random_input_sets(20_000, 3, 50, seed=0)
    early = rep.decoding_errors(code, sets, stop_at_first=True)
    assert not early.exact and not early.complete and early.decisions < 50 * 20_000
    full = rep.decoding_errors(code, sets)
    assert full.complete and full.decisions == 50 * 20_000 and full.false_positives > early.false_positives


def test_decode_argument_errors():
    code = rep.dense_code(10, 8, seed=0)
    with pytest.raises(ValueError, match=r"activations must have shape \(n_samples, n=8\)"):
        rep.reads(code, np.zeros((2, 7)))
    with pytest.raises(ValueError, match="threshold must be finite"):
        rep.decode(code, np.zeros((2, 8)), threshold=np.nan)
    with pytest.raises(ValueError, match="> 0 for a sparse code"):
        rep.decode(rep.sparse_code(10, 8, 2, seed=0), sp.csr_matrix((2, 8)), threshold=0)
    with pytest.raises(ValueError, match=r"activations must have shape \(n_samples, n=8\)"):
        rep.decode(code, np.zeros((2, 9)))
    with pytest.raises(ValueError, match=r"activations must have shape \(n_samples, n=2\)"):
        rep.decode(rep.sparse_code(10, 2, 1, seed=0), sp.csr_matrix((2, 3)))
    with pytest.raises(ValueError, match=r"features must lie in \[0, m\) = \[0, 10\)"):
        rep.reads(code, np.zeros((1, 8)), features=[10])


# ----------------------------------------------------------------------------- coherence and every set


def test_coherence_matches_brute_force_and_prefixes():
    code = rep.dense_code(120, 64, seed=0)
    gram = code.vectors() @ code.vectors().T
    np.fill_diagonal(gram, 0)
    assert rep.coherence(code) == pytest.approx(np.abs(gram).max())
    by_prefix = rep.coherence(code, [8, 16, 64])
    np.testing.assert_allclose(by_prefix, [rep.coherence(code.prefix(n=n)) for n in (8, 16, 64)])
    with pytest.raises(ValueError, match="n_values must be increasing integers"):
        rep.coherence(code, [16, 8])
    with pytest.raises(TypeError, match="code must be a DenseCode"):
        rep.coherence(rep.sparse_code(10, 5, 2, seed=0))


@pytest.mark.parametrize("n", [8, 24, 64, 160])
def test_every_set_by_gram_matches_enumeration(n):
    code = rep.dense_code(14, n, seed=n)
    for k in (1, 2, 3):
        enumerated = rep.decoding_errors(code, all_input_sets(14, k)).exact
        assert rep.decodes_every_set(code, k) == enumerated


def test_every_set_by_gram_decides_an_exact_tie_at_one_half():
    # Feature 0 meets features 1, 2, 3 in integer inner products 12, 10, 2: on {1, 2, 3} it reads
    # (12 + 10 + 2) / 48 = 1/2 exactly, which the decoder counts as present.
    n, rng = 48, np.random.default_rng(1)

    def row(plus):
        v = -np.ones(n, np.int8)
        v[rng.permutation(n)[:plus]] = 1
        return v

    signs = np.stack([np.ones(n, np.int8), row(30), row(29), row(25)])
    gram = signs.astype(int) @ signs.T.astype(int)
    assert gram[0, 1:].tolist() == [12, 10, 2]
    code = rep.DenseCode(signs)
    errors = rep.decoding_errors(code, all_input_sets(4, 3))
    assert errors.wrong_inputs == 1 and errors.false_positives == 1
    assert rep.decodes_every_set(code, 3) is False
    assert rep.decodes_every_set(code, 2) == rep.decoding_errors(code, all_input_sets(4, 2)).exact


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 8), k=st.integers(1, 3), n=st.integers(1, 64))
def test_every_set_by_gram_matches_enumeration_with_ties(seed, m, k, n):
    k = min(k, m)
    code = rep.dense_code(m, n, seed=seed)  # small even n: reads of exactly 1/2 are common
    assert rep.decodes_every_set(code, k) == rep.decoding_errors(code, all_input_sets(m, k)).exact


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(3, 12), k=st.integers(1, 3), n=st.integers(16, 200))
def test_decoding_is_exact_whenever_the_coherence_condition_holds(seed, m, k, n):
    k = min(k, m)
    code = rep.dense_code(m, n, seed=seed)
    if rep.coherence(code) < 1 / (2 * k):
        assert rep.decoding_errors(code, all_input_sets(m, k)).exact
        assert rep.decodes_every_set(code, k)


def test_exhaustive_minimum_is_tight_at_small_m():
    for kind in ("dense", "sparse"):
        result = rep.min_neurons(12, 2, kind, seed=0, exhaustive=True)
        assert result.probes[result.n_min] and result.probes[result.n_min - 1] is False
        if kind == "dense":
            code = rep.dense_code(12, result.n_min, np.random.SeedSequence(
                np.random.SeedSequence(0).entropy, spawn_key=(0,)))
            assert rep.decoding_errors(code, all_input_sets(12, 2)).exact


# ----------------------------------------------------------------------------- theory


def test_jl_bound_value_and_errors():
    assert rep.jl_neurons_bound(1000, 3) == pytest.approx(16 * 9 * math.log(1000))
    np.testing.assert_allclose(rep.jl_neurons_bound([10, 100], 1), 16 * np.log([10, 100]))
    with pytest.raises(ValueError, match="m must be >= 2"):
        rep.jl_neurons_bound(1, 3)


def _independent_trials(code_kind, n, k, trials, s=None):
    """Reads of one present and one absent feature in each of ``trials`` disjoint random inputs."""
    m = (k + 1) * trials
    code = rep.dense_code(m, n, seed=0) if code_kind == "dense" else rep.sparse_code(m, n, s, seed=0)
    sets = np.arange(m).reshape(trials, k + 1)[:, :k]
    activations = rep.encode(code, sets)
    if code_kind == "dense":
        vectors = code.vectors()
        present = np.einsum("ij,ij->i", vectors[sets[:, 0]], activations)
        absent = np.einsum("ij,ij->i", vectors[sets[:, 0] + k], activations)
        return present, absent
    counts = activations.toarray()
    absent = counts[np.arange(trials)[:, None], code.neurons[sets[:, 0] + k]].min(axis=1)
    return None, absent


def test_dense_read_error_probabilities_match_simulation():
    n, k, trials = 24, 3, 20_000
    present, absent = _independent_trials("dense", n, k, trials)
    p_absent, p_present = rep.dense_read_error_probabilities(n, k)
    tolerance = rep.READ_TOLERANCE
    for observed, p in ((np.mean(absent >= 0.5 - tolerance), p_absent), (np.mean(present < 0.5 - tolerance), p_present)):
        assert abs(observed - p) < 4 * math.sqrt(p / trials)
    assert rep.dense_read_error_probabilities(50, 1)[1] == 0


def test_sparse_false_positive_probability_matches_simulation_and_approximation():
    n, s, k, trials = 30, 6, 3, 40_000
    exact = rep.sparse_false_positive_probability(n, s, k)
    _, absent = _independent_trials("sparse", n, k, trials, s)
    assert abs(np.mean(absent >= 1) - exact) < 4 * math.sqrt(exact / trials)
    approx = rep.sparse_false_positive_probability(n, s, k, approximate=True)
    assert approx == pytest.approx(exact, rel=0.35)
    assert rep.sparse_false_positive_probability(10, 10, 1) == pytest.approx(1.0)


def test_best_sparse_size_minimises_the_exact_probability():
    for n, k in [(60, 2), (100, 3), (150, 4)]:
        best = rep.best_sparse_size(n, k)
        everywhere = [rep.sparse_false_positive_probability(n, s, k) for s in range(1, n + 1)]
        assert best == 1 + int(np.argmin(everywhere))
        assert abs(best - n * math.log(2) / k) <= 0.25 * n * math.log(2) / k  # near the approximate optimum


def test_predictions_grow_with_m_and_k():
    for kind in ("sparse", "dense"):
        by_m = [rep.predicted_min_neurons(m, 3, 100, kind) for m in (100, 1000, 10_000)]
        by_k = [rep.predicted_min_neurons(1000, k, 100, kind) for k in (1, 2, 3)]
        assert by_m == sorted(by_m) and by_k == sorted(by_k)
        assert rep.expected_errors_per_input(by_m[0], 100, 3, kind) * 100 <= math.log(2)
    with pytest.raises(ValueError, match="code must be 'sparse' or 'dense'"):
        rep.predicted_min_neurons(100, 3, 10, "bloom")


def test_fit_log_slope():
    m = np.array([10, 100, 1000])
    assert rep.fit_log_slope(m, 5 * np.log(m) + 2) == pytest.approx((5, 2))
    with pytest.raises(ValueError, match="equal length >= 2"):
        rep.fit_log_slope([10], [1])
    # the standard error against scipy's regression
    from scipy import stats

    m = np.array([100, 316, 1000, 3162, 10000])
    n = np.array([57, 69, 71, 77, 86])
    fit = stats.linregress(np.log(m), n)
    assert rep.fit_log_slope(m, n, stderr=True) == pytest.approx((fit.slope, fit.intercept, fit.stderr))
    assert rep.fit_log_slope(m, 5 * np.log(m) + 2, stderr=True)[2] == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValueError, match="at least 3 points"):
        rep.fit_log_slope([10, 100], [1, 2], stderr=True)


# ----------------------------------------------------------------------------- minimum n search


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_min_neurons_search_brackets_a_sharp_threshold(kind):
    result = rep.min_neurons(2000, 2, kind, n_trials=200, seed=0)
    assert result.probes[result.n_min] is True
    assert result.probes.get(result.n_min - 1) is False
    assert all(ok for n, ok in result.probes.items() if n > result.n_min)
    assert len(result.probes) <= 16  # each n once, logarithmically many
    assert (result.s is None) == (kind == "dense")
    predicted = rep.predicted_min_neurons(2000, 2, 200, kind)
    assert 0.6 * predicted <= result.n_min <= 1.4 * predicted


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_scan_returns_the_least_passing_n(kind):
    m, k, trials = 300, 2, 60
    scanned = rep.min_neurons(m, k, kind, trials, seed=2, search="scan")
    assert sorted(scanned.probes) == list(range(1, scanned.n_min + 1))
    assert scanned.probes[scanned.n_min] and not any(scanned.probes[n] for n in range(1, scanned.n_min))
    # each verdict against decoding the same code and inputs from scratch
    seeds = np.random.SeedSequence(np.random.SeedSequence(2).entropy, spawn_key=(0,))
    inputs = random_input_sets(m, k, trials, np.random.default_rng(
        np.random.SeedSequence(np.random.SeedSequence(2).entropy, spawn_key=(1,))))
    for n in (1, scanned.n_min // 2, scanned.n_min - 1, scanned.n_min):
        if kind == "dense":
            code = rep.dense_code(m, n, seeds)
        else:
            code = rep.sparse_code(m, n, rep.best_sparse_size(n, k), seeds)
        assert rep.decoding_errors(code, inputs).exact == scanned.probes[n]
    bisected = rep.min_neurons(m, k, kind, trials, seed=2)
    assert scanned.n_min <= bisected.n_min


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_scan_over_every_set_agrees_with_enumeration(kind):
    m, k = 10, 2
    scanned = rep.min_neurons(m, k, kind, seed=3, exhaustive=True, search="scan")
    seeds = np.random.SeedSequence(np.random.SeedSequence(3).entropy, spawn_key=(0,))
    for n, verdict in scanned.probes.items():
        if kind == "dense":
            code = rep.dense_code(m, n, seeds)
        else:
            code = rep.sparse_code(m, n, rep.best_sparse_size(n, k), seeds)
        assert rep.decoding_errors(code, all_input_sets(m, k)).exact == verdict
    assert not any(scanned.probes[n] for n in range(1, scanned.n_min))
    if kind == "sparse":
        assert rep.min_neurons_every_input(m, k, seed=3, search="scan").n_min == scanned.n_min


def test_min_neurons_is_seeded_and_checked():
    a = rep.min_neurons(500, 2, "sparse", 100, seed=4)
    assert a == rep.min_neurons(500, 2, "sparse", 100, seed=4)
    with pytest.raises(ValueError, match="no n <= n_limit=8"):
        rep.min_neurons(500, 2, "dense", 100, seed=0, n_limit=8)
    with pytest.raises(ValueError, match=r"k must be in \[1, m\]"):
        rep.min_neurons(3, 4)
    with pytest.raises(ValueError, match="search must be one of"):
        rep.min_neurons(30, 2, search="linear")
    with pytest.raises(ValueError, match="search must be one of"):
        rep.min_neurons_every_input(30, 2, search="linear")
    with pytest.raises(ValueError, match="no n <= n_limit=5 passes"):
        rep.min_neurons(500, 2, "sparse", 100, seed=0, n_limit=5, search="scan")


def test_min_neurons_curve_grows_with_m():
    curve = rep.min_neurons_curve([100, 10_000], 2, "sparse", n_trials=100, seed=0)
    assert curve.dtype.kind == "i" and curve[1] > curve[0]
    with pytest.raises(ValueError, match="m_values must be a non-empty 1-D sequence of integers"):
        rep.min_neurons_curve([], 2)


# ----------------------------------------------------------------------------- the certificate of every input


def _minimal_covers_by_brute_force(code, k):
    """For each feature, every inclusion-minimal set of at most k other codes covering its code."""
    codes = [set(row) for row in code.neurons.tolist()]
    found = {}
    for i in range(code.m):
        covers = []
        others = [j for j in range(code.m) if j != i]
        for size in range(1, min(k, code.m - 1) + 1):
            for members in itertools.combinations(others, size):
                if codes[i] <= set().union(*(codes[j] for j in members)) and \
                        not any(set(c) <= set(members) for c in covers):
                    covers.append(members)
        if covers:
            found[i] = sorted(covers)
    return found


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 14), n=st.integers(3, 28), s=st.integers(1, 9),
       k=st.integers(1, 4))
def test_certificate_finds_exactly_the_covers_of_brute_force(seed, m, n, s, k):
    code = rep.sparse_code(m, n, min(s, n), seed=seed)
    expected = _minimal_covers_by_brute_force(code, k)
    every = rep.certify_sparse_code(code, k, witnesses="all")
    found = {}
    for i, members in every.witnesses:
        found.setdefault(i, []).append(members)
    assert found == expected
    first = rep.certify_sparse_code(code, k)
    assert first.false_reads == len(expected) and first.passed == (not expected)
    assert {i for i, _ in first.witnesses} == set(expected)
    for i, members in first.witnesses:  # every witness is a real cover of at most k other codes
        assert i not in members and len(members) <= k
        assert set(code.neurons[i]) <= set(code.neurons[list(members)].ravel())


@pytest.mark.parametrize("n, s", [(12, 3), (40, 9), (90, 20)])  # far too small, small, large enough
def test_certificate_agrees_with_decoding_every_input(n, s):
    code = rep.sparse_code(18, n, s, seed=n)
    for k in (1, 2, 3):
        verdict = rep.certify_sparse_code(code, k)
        decoded = rep.decoding_errors(code, all_input_sets(18, k))
        assert verdict.passed == decoded.exact
        assert verdict.n_input_sets == sum(math.comb(18, j) for j in range(k + 1))
        wrong = rep.decode(code, rep.encode(code, all_input_sets(18, k))) != all_input_sets(18, k).astype(np.float32)
        assert verdict.false_reads == len(np.unique(wrong.nonzero()[1]))  # the features some input reads wrongly


def test_certificate_witnesses_are_read_present_by_the_decoder():
    code = rep.sparse_code(400, 36, 7, seed=2)  # too small for k = 3: many false reads
    verdict = rep.certify_sparse_code(code, 3)
    assert verdict.false_reads > 10 and verdict.features_decided == 400
    inputs = [members for _, members in verdict.witnesses]
    decoded = rep.decode(code, rep.encode(code, inputs)).toarray()
    assert all(decoded[row, i] for row, (i, _) in enumerate(verdict.witnesses))


def test_certificate_stops_at_the_first_false_read_and_scales():
    code = rep.sparse_code(3000, 40, 8, seed=0)
    stopped = rep.certify_sparse_code(code, 3, stop_at_first=True)
    assert not stopped.passed and stopped.false_reads == 1 and stopped.features_decided < 3000
    wide = rep.sparse_code(3000, 300, 70, seed=0)  # codes of more than 64 neurons: two words per mask
    assert rep.certify_sparse_code(wide, 3).passed
    assert rep.certify_sparse_code(rep.sparse_code(5, 8, 3, seed=0), 9).k == 9  # k beyond m - 1 others


def test_certificate_arguments_are_checked():
    with pytest.raises(TypeError, match="code must be a SparseCode"):
        rep.certify_sparse_code(rep.dense_code(10, 8, seed=0), 2)
    with pytest.raises(ValueError, match="witnesses must be one of"):
        rep.certify_sparse_code(rep.sparse_code(10, 8, 2, seed=0), 2, witnesses="some")
    with pytest.raises(ValueError, match="k must be at least 1"):
        rep.certify_sparse_code(rep.sparse_code(10, 8, 2, seed=0), 0)


def test_expected_covers_exact_float_and_by_enumeration():
    n, s = 5, 2
    subsets = list(itertools.combinations(range(n), s))
    for m, k in [(3, 1), (3, 2), (4, 2)]:
        total = bad = 0
        for codes in itertools.product(subsets, repeat=m):  # every code book, each equally likely
            total += 1
            bad += sum(set(codes[i]) <= set().union(*(codes[j] for j in members))
                       for i in range(m) for members in itertools.combinations([j for j in range(m) if j != i], k))
        assert rep.expected_covers(m, n, s, k, exact=True) == Fraction(bad, total)
    for m, n, s, k in [(1000, 120, 20, 3), (50, 40, 9, 2), (10**5, 272, 51, 3)]:
        exact = rep.expected_covers(m, n, s, k, exact=True)
        assert rep.expected_covers(m, n, s, k) == pytest.approx(float(exact), rel=1e-9)


def test_every_input_bounds_are_met_exactly():
    for m, k in [(100, 2), (1000, 3), (10**4, 3)]:
        n = rep.every_input_neurons_bound(m, k)
        s = rep.best_sparse_size(n, k)
        assert rep.expected_covers(m, n, s, k, exact=True) < 1
        assert rep.expected_covers(m, n - 1, rep.best_sparse_size(n - 1, k), k) >= 1
        n_explicit, s_explicit = rep.explicit_every_input_sizes(m, k)
        assert n_explicit >= math.e * k * s_explicit and s_explicit >= (k + 1) * math.log(m)
        assert rep.expected_covers(m, n_explicit, s_explicit, k, exact=True) < 1
        assert n <= n_explicit


def test_min_neurons_every_input_is_adjacent_and_certified():
    found = rep.min_neurons_every_input(300, 2, seed=1)
    assert found.probes[found.n_min] is True and found.probes[found.n_min - 1] is False
    assert found.n_input_sets == sum(math.comb(300, j) for j in range(3))
    code = rep.sparse_code(300, found.n_min, found.s, np.random.SeedSequence(
        np.random.SeedSequence(1).entropy, spawn_key=(0,)))
    assert rep.decoding_errors(code, all_input_sets(300, 2)).exact
    assert found == rep.min_neurons_every_input(300, 2, seed=1)
    start = rep.every_input_neurons_bound(300, 2)
    assert abs(found.n_min - start) <= 0.2 * start


def test_line_codes_share_one_neuron_and_are_read_by_raw_sums():
    for m, s in [(60, 4), (100, 3), (30, 6)]:
        code = rep.line_code(m, s, seed=1)
        shared = (code.matrix() @ code.matrix().T).toarray() - s * np.eye(m)
        assert shared.max() <= 1 and code.n % s == 0 and (code.n // s) ** 2 >= m
        k = s - 1
        sets = all_input_sets(m, k)
        raw = (rep.encode(code, sets) @ code.matrix().T).toarray()
        assert np.array_equal(raw >= s, sets.toarray())  # one ReLU of the raw counts reads every input
        assert rep.certify_sparse_code(code, k).passed
    tight = rep.line_code(60, 3, seed=1)  # s = k: a feature can be covered by k others
    assert not rep.certify_sparse_code(tight, 3).passed
