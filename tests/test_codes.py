"""Tests of the line codes and the primes they need."""

import numpy as np
import pytest

from superpos import codes
from superpos.families import make_pairs
from superpos.layout import LargerThanNaiveWarning, build_and_network
from superpos.one_layer import one_layer_sizes_for_widths


def test_primes():
    assert [p for p in range(30) if codes.is_prime(p)] == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    assert codes.next_prime(24) == 29 and codes.next_prime(29) == 29
    values = np.array([0, 1, 2, 24, 29, 90, 1000])
    assert codes.next_primes(values).tolist() == [codes.next_prime(int(v)) for v in values]
    grid = codes.prime_grid(100, 10, 1.2)
    assert all(codes.is_prime(p) for p in grid) and grid == sorted(set(grid)) and grid[0] == 101


def test_line_codes_have_bounded_overlap_and_fixed_size():
    book = codes.input_code_book(150, 7 * 13, 7, seed=1)
    assert book.shape == (150, 91)
    assert np.all(np.asarray(book.sum(axis=1)).ravel() == 7)
    overlap = (book @ book.T).toarray()
    np.fill_diagonal(overlap, 0)
    assert overlap.max() <= 1


def test_code_books_depend_on_sizes_and_seed_only():
    a = codes.output_code_book(100, 5 * 11, 5, seed=4)
    assert np.array_equal(a, codes.output_code_book(100, 5 * 11, 5, seed=4))
    assert not np.array_equal(a, codes.output_code_book(100, 5 * 11, 5, seed=5))
    # The decoder of two different instances with the same sizes is the same.
    p1, p2 = make_pairs("uniform", 40, 60, seed=0), make_pairs("uniform", 40, 60, seed=1)
    widths = dict(code_size=5, output_code_size=5, n_input_neurons=5 * 53, n_output_neurons=5 * 53)
    # Wider than one neuron per AND on purpose (the codes are what is compared); the warning says so.
    with pytest.warns(LargerThanNaiveWarning):
        n1, n2 = [build_and_network(p, 40, 3, seed=2, sizes=one_layer_sizes_for_widths(p, 40, 3, **widths),
                                    enforce_bound=False) for p in (p1, p2)]
    assert np.array_equal(n1.output_codes, n2.output_codes)
    assert (n1.input_codes != n2.input_codes).nnz == 0
    assert (n1.layers[0][0] != n2.layers[0][0]).nnz > 0


def test_bad_code_shapes_are_refused_with_the_nearest_valid_width():
    with pytest.raises(ValueError, match="q a prime >= code_size .* the nearest valid width is 39"):
        codes.line_code_sizes(20, 3 * 12, 3)
    with pytest.raises(ValueError, match="200 input codes need q\\*q >= 200 distinct lines, but q = 11"):
        codes.input_code_book(200, 3 * 11, 3)
    with pytest.raises(TypeError, match="seed must be an integer"):
        codes.input_code_book(20, 3 * 11, 3, seed=1.5)
    with pytest.raises(ValueError, match="n_output_neurons"):
        codes.output_code_book(20, 3 * 11 + 1, 3)
