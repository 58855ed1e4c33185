r"""The decoded AND network, for pair graphs on few vertices: decode the vertices, group them on lines, route.

A clique on v ≈ √(2m') inputs is the hardest pair graph for the layouts of
:mod:`superpos.one_layer` and :mod:`superpos.three_channel`: every input is a
hub, so a unit that reads the superposed input channel is spoiled by its
other actives or must be sized for their interference. When the pairs live
on few vertices there is a cheaper way: read the vertices exactly once, then
compute on clean bits.

Layout (three ReLU layers between the fixed input and output codes):

1. *Decode.* The input codes are lines over GF(q_in) with s ≥ k + 1 rows,
   so two codes share at most one neuron. For each vertex i (an input that is
   an endpoint of some pair) two ReLUs read its code S_i with weight 1 and
   biases −(s−1) and −s; their difference y_i = ReLU(Σ_{S_i} h − (s−1)) −
   ReLU(Σ_{S_i} h − s) is exactly [i ∈ A] (Lemma below).
2. *Group on lines.* A seeded injection places vertex i at a point
   (ξ_i, ζ_i) of GF(q)² (q prime, q² ≥ v); t_c distinct *twists* g ∈ GF(q)
   (the first t_c of a seeded ordering of the field, so t_c ≤ q) give the
   embeddings φ_g(i) = (ξ_i + g ζ_i, (ξ_i + g ζ_i)² + ζ_i) into the affine
   plane AG(2, q) (:func:`embedded_lines`). A pair (i, j) lies, in each
   embedding φ_g, on the unique line through φ_g(i) and φ_g(j); that line is
   one *unit* u, and its group
   G_u is the endpoints of the pairs it serves. Unit u is
   z_u = ReLU(Σ_{i∈G_u} y_i − 1) = (|A ∩ G_u| − 1)₊ ∈ {0, …, k−1}.
   Output ℓ's compute code C_ℓ is its t_c lines, one per embedding.
3. *Route.* The output channel holds the fixed output codes T_ℓ (t neurons,
   lines over GF(q_out)). Neuron w adds z_u over V_w = ∪_{ℓ: w∈T_ℓ} C_ℓ with
   bias −(t_c − 1); output ℓ is present iff all of T_ℓ reach 1.

*Lemma (decode).* If two input codes share at most one neuron and s ≥ k + 1,
then y_i = [i ∈ A] for every input A with |A| ≤ k. *Proof.* Σ_{S_i} h =
Σ_{j∈A} |S_i ∩ S_j|. If i ∈ A the sum is at least s, so both ReLUs are
their arguments and y_i = 1. If i ∉ A every term is at most 1, so the sum is
at most |A| ≤ k ≤ s − 1 and both ReLUs are 0. ∎ So everything after layer 1
depends on A only through A ∩ V, which has at most k members.

*No false negatives.* A true output (i, j) has both endpoints on each of its
t_c lines, so z_u ≥ 1 there and every neuron of T_ℓ sees at least t_c. ∎

*Lemma (collinearity).* Three distinct vertices are collinear in at most
three of the embeddings. *Proof.* Call them 1, 2, 3 and write
x_r = ξ_r + g ζ_r. The images are collinear iff the determinant with rows
(1, x_r, x_r² + ζ_r) vanishes. It is linear in the last column, so it is the
Vandermonde determinant Π_{r<r'} (x_{r'} − x_r) plus det(1, x_r, ζ_r), and
subtracting g times the last column from the middle one turns the latter
into Δ = det(1, ξ_r, ζ_r), free of g. So it is the polynomial
P(g) = Π_{r<r'} ((ξ_{r'} − ξ_r) + g (ζ_{r'} − ζ_r)) + Δ. A factor with
ζ_{r'} ≠ ζ_r has degree 1; one with ζ_{r'} = ζ_r is the constant
ξ_{r'} − ξ_r ≠ 0 (the placement is injective). If some two ζ_r differ, the
product has degree 2 or 3 and a nonzero leading coefficient, so P ≠ 0; if
all three are equal, Δ = 0 and P = Π (ξ_{r'} − ξ_r) ≠ 0. A nonzero
polynomial of degree at most 3 has at most 3 roots in GF(q), and the twists
are distinct. ∎

*Own spoil (proved).* Let ℓ = (i, j) be absent on A, |A ∩ V| ≤ k. Its unit
in an embedding holds n actives and brings (n − 1)₊ to each neuron of T_ℓ.
At most one endpoint of ℓ is active; let i₀ be that one if there is one,
else the first active of A. Then (n − 1)₊ ≤ #{x ∈ A ∖ {i₀}: x on the line
of i and j}; every such x is outside {i, j}, and by the collinearity Lemma
it is on that line in at most three embeddings. So ℓ's own units bring at most
Y_max = 3(k − 1), for every input and every seed. ∎ Every other on unit
holds an active pair, and each of the C(k, 2) active pairs lies on one line
per embedding, so at most C(k, 2) t_c units are on.

The failure bound (:func:`decoded_failure_bound`) is a *heuristic bound*:
its own-spoil step is proved, but it treats the rows of T_ℓ and the units
that land in V_w (the line of an active pair π in embedding j with
probability at most r_j(π)/q_out, r_j(π) the outputs that line serves) as
independent. What is exact is the certificate: by the decode Lemma a network
of this layout is right on every input iff it is right on every subset of V
of at most k members, and :func:`certify_decoded` runs all of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations, islice
from math import comb, isqrt

import numpy as np
import scipy.sparse as sp

from superpos.codes import ChannelWidths, code_book_seed, input_code_book, next_prime, output_code_book, prime_grid
from superpos.instance import as_and_instance
from superpos.network import Network
from superpos.numerics import binary_support
from superpos.union_bound import check_bound, check_guarantee, poisson_sf, union_counts
from superpos.validation import check_int, check_probability, check_random_state

__all__ = ["COLLINEAR_MAX", "MAX_VERTEX_PAIRS", "DecodedSizes", "build_decoded_and_network", "certify_decoded", "decoded_failure_bound", "decoded_sizes",
           "decoded_vertices", "embedded_lines", "largest_pair_loads"]

#: The most vertex pairs whose line loads :func:`decoded_sizes` bounds (C(v, 2) for v ≈ 6,300).
MAX_VERTEX_PAIRS = 20_000_000
#: Stream of :func:`superpos.codes.code_book_seed` from which the embeddings are drawn (0 and 1 are the code books).
_EMBEDDING_STREAM = 1000
#: The most embeddings in which three distinct vertices are collinear (the collinearity Lemma).
COLLINEAR_MAX = 3


@dataclass(frozen=True)
class DecodedSizes(ChannelWidths):
    """Sizes of the decoded construction and its failure bound (made by :func:`decoded_sizes`).

    Examples
    --------
    >>> sizes = DecodedSizes(code_size=4, q_in=11, n_vertices=20, plane_q=7, compute_size=4, n_units=150,
    ...                      largest_load=20, output_code_size=5, q_out=13, seed=0, failure_bound=1e-7)
    >>> sizes.n_neurons   # 44 input neurons, two ReLUs per vertex, 150 units, 65 output neurons
    299
    """

    code_size: int  #: s, neurons per input code (s ≥ k + 1)
    q_in: int  #: prime; the input channel has s·q_in neurons
    n_vertices: int  #: v, the inputs that are endpoints of some pair (decoded, two ReLUs each)
    plane_q: int  #: q, prime; every embedding places the vertices in AG(2, q)
    compute_size: int  #: t_c ≤ q, embeddings (twists), one unit of each per output
    n_units: int  #: compute units: the lines, over all embeddings, that serve some pair
    largest_load: int  #: R_max, the most outputs the t_c lines of two vertices serve (:func:`largest_pair_loads`)
    output_code_size: int  #: t, neurons per output code
    q_out: int  #: prime; the output channel has t·q_out neurons
    seed: int  #: the seed of the embeddings that ``n_units`` and ``largest_load`` count
    failure_bound: float  #: heuristic bound on P[a wrong decision] (one fixed input, or any input)
    guarantee: str = "every_input"  #: what ``failure_bound`` bounds

    @property
    def n_neurons(self) -> int:
        """Neurons of the network: input channel, two ReLUs per vertex, one per unit, output channel."""
        return self.n_input_neurons + 2 * self.n_vertices + self.n_units + self.n_output_neurons

    def describe(self) -> str:
        """The sizes in the book's symbols, for messages.

        Examples
        --------
        >>> DecodedSizes(4, 11, 20, 7, 4, 150, 6, 5, 13, 0, 1e-7).describe()
        's = 4, v = 20, q = 7, t_c = 4, t = 5, q_out = 13'
        """
        return (f"s = {self.code_size}, v = {self.n_vertices}, q = {self.plane_q}, t_c = {self.compute_size}, "
                f"t = {self.output_code_size}, q_out = {self.q_out}")


def _embeddings(n_vertices: int, plane_q: int, compute_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (x, y) of the vertices in each embedding: two int arrays of shape (t_c, v).

    Vertex i sits at (ξ_i, ζ_i), a seeded injection into GF(q)²; the embedding
    of twist g moves it to (x, x² + ζ_i), x = ξ_i + g ζ_i, with the twists
    g_0, g_1, … a seeded ordering of GF(q) (so the first t_c embeddings do not
    depend on t_c).
    """
    q = plane_q
    if not 1 <= compute_size <= q:
        raise ValueError(f"the embeddings are the q = {q} twists of GF(q), so t_c must be in [1, {q}], "
                         f"got t_c = {compute_size}")
    rng = check_random_state(code_book_seed(seed, _EMBEDDING_STREAM))
    xi, zeta = np.divmod(rng.choice(q * q, size=n_vertices, replace=False).astype(np.int64), q)
    twists = rng.permutation(q)[:compute_size].astype(np.int64)
    x = (xi[None, :] + twists[:, None] * zeta[None, :]) % q
    return x, (x * x + zeta[None, :]) % q


def _line_ids(x: np.ndarray, y: np.ndarray, local_pairs: np.ndarray, plane_q: int) -> np.ndarray:
    """Line id through each pair in each embedding (offset by j(q² + q)): shape (m', t_c)."""
    q = plane_q
    inverse = np.array([pow(int(value), q - 2, q) if value else 0 for value in range(q)], dtype=np.int64)
    lines = np.empty((len(local_pairs), x.shape[0]), dtype=np.int64)
    for j in range(x.shape[0]):
        xa, ya = x[j, local_pairs[:, 0]], y[j, local_pairs[:, 0]]
        xb, yb = x[j, local_pairs[:, 1]], y[j, local_pairs[:, 1]]
        slope = ((yb - ya) % q) * inverse[(xb - xa) % q] % q
        intercept = (ya - slope * xa) % q
        lines[:, j] = j * (q * q + q) + np.where(xa == xb, q * q + xa, slope * q + intercept)
    return lines


def embedded_lines(local_pairs: np.ndarray, n_vertices: int, plane_q: int, compute_size: int,
                   seed: int = 0) -> np.ndarray:
    """The line of AG(2, q) through each pair, in each of ``compute_size`` seeded embeddings of the vertices.

    Embedding j places vertex i at the point φ_{g_j}(i) = (x, x² + ζ_i),
    x = ξ_i + g_j ζ_i, where (ξ_i, ζ_i) is a seeded injection of the vertices
    into GF(q)² (q² ≥ v) and g_j the j-th of a seeded ordering of GF(q)
    (t_c ≤ q). Each φ_j is injective, and three distinct vertices are
    collinear in at most ``COLLINEAR_MAX`` = 3 of the embeddings (the
    collinearity Lemma of the module). The line through two distinct points is
    y = λx + β (id λq + β) or, when they share x, the vertical line x (id
    q² + x); each embedding has q² + q lines, and every pair lies on exactly
    one of them.

    Parameters
    ----------
    local_pairs : int array (m', 2)
        Pairs of vertices numbered 0..v−1.
    n_vertices, plane_q, compute_size : int
        v, q (a prime with q² ≥ v) and t_c (1 ≤ t_c ≤ q).
    seed : int
        The construction's seed (the embeddings use their own stream of it).

    Returns
    -------
    numpy.ndarray of int64, shape (m', t_c)
        Column j holds the line id of each pair in embedding j, plus j(q² + q),
        so ids of different embeddings never meet.

    Examples
    --------
    >>> lines = embedded_lines(np.array([[0, 1], [0, 2], [1, 2]]), 3, 3, 2, seed=0)
    >>> lines.shape, bool(np.all(lines[:, 1] >= 12))
    ((3, 2), True)
    """
    q = check_int(plane_q, "plane_q", 2)
    if q * q < n_vertices:
        raise ValueError(f"AG(2, q) has q² = {q * q} points, fewer than the {n_vertices} vertices to place")
    x, y = _embeddings(n_vertices, q, compute_size, seed)
    return _line_ids(x, y, np.asarray(local_pairs, dtype=np.int64), q)


def largest_pair_loads(local_pairs: np.ndarray, n_vertices: int, plane_q: int, compute_size: int,
                       seed: int = 0) -> np.ndarray:
    """R_max for t_c = 1..``compute_size``: the most outputs the lines of any two vertices serve, summed over embeddings.

    For a pair of vertices π (a pair of the instance or not) and embedding j,
    r_j(π) is the number of outputs served by the line through π (0 if that
    line serves none). Two actives π switch on exactly the units
    line_j(π) that serve some output, and such a unit lands in an output
    neuron's V_w with probability at most r_j(π)/q_out; so the routing bound
    needs R(π) = Σ_{j<t_c} r_j(π), and its largest value over all C(v, 2)
    vertex pairs.

    Examples
    --------
    >>> largest_pair_loads(np.array([[0, 1], [0, 2], [1, 2]]), 3, 3, 2).tolist()   # collinear in the second
    [1, 4]
    """
    q = check_int(plane_q, "plane_q", 2)
    x, y = _embeddings(n_vertices, q, compute_size, seed)
    local_pairs = np.asarray(local_pairs, dtype=np.int64)
    loads = np.bincount(_line_ids(x, y, local_pairs, q).ravel(), minlength=compute_size * (q * q + q))
    largest = np.zeros(compute_size, dtype=np.int64)
    first, second = np.triu_indices(n_vertices, 1)
    for start in range(0, first.size, 2**18):
        chunk = np.stack([first[start:start + 2**18], second[start:start + 2**18]], axis=1)
        per_pair = np.cumsum(loads[_line_ids(x, y, chunk, q)], axis=1)
        largest = np.maximum(largest, per_pair.max(axis=0))
    return largest


def _vertices(instance) -> tuple[np.ndarray, np.ndarray]:
    """The vertices V (sorted inputs that are endpoints) and the pairs renumbered into 0..v−1."""
    vertices, local = np.unique(instance.pairs, return_inverse=True)
    return vertices, local.reshape(-1, 2).astype(np.int64)


def _units(lines: np.ndarray) -> tuple[np.ndarray, int]:
    """Number the lines that serve some pair 0..N−1: (unit of each pair and embedding, N)."""
    used, units = np.unique(lines, return_inverse=True)
    return units.reshape(lines.shape), int(used.size)


def decoded_failure_bound(n_outputs: int, n_vertices: int, k: int, compute_size: int, largest_load: int,
                          output_code_size: int, q_out, d_k: float, *, guarantee: str = "every_input") -> np.ndarray:
    """Heuristic bound on P[a wrong decision] of the decoded layout, for one fixed input or for any input.

    Absent ℓ = (i, j), row x of T_ℓ whose neuron w belongs to no true
    output's code (all but at most C(k, 2) rows: two line codes share at most
    one neuron). w fires iff the mass in V_w reaches t_c. ℓ's own units bring
    at most Y_max = 3(k − 1), for every input (proved in the module: three
    vertices are collinear in at most three embeddings). The other on units
    bring at most Poisson(μ), μ = C(k, 2) R_max / q_out (each active pair π
    switches on its lines, which land in V_w with probability at most
    r_j(π)/q_out; :func:`largest_pair_loads`). So every event, with or
    without an active endpoint, has

        P = P[Poisson(μ) ≥ t_c − Y_max]^{t − C(k,2)},

    and the bound is (N₁ + N₂) P with the event counts of
    :func:`superpos.union_bound.union_counts` over the v vertices only (by
    the decode Lemma, inputs outside V change nothing); it is 1 unless
    t_c > Y_max and t > C(k, 2). The unproved step: the rows and the units
    landing in V_w are treated as independent.

    Parameters
    ----------
    n_outputs, n_vertices, k : int
        m', v and the most active inputs.
    compute_size, largest_load, output_code_size : int
        t_c, R_max and t.
    q_out : float or array of float
        The output channel's primes to evaluate.
    d_k : float
        The sum of the k largest influences.
    guarantee : {"every_input", "per_input"}

    Examples
    --------
    >>> bound = decoded_failure_bound(10_000, 142, 3, 17, 1000, 10, [613, 709], 423.0)
    >>> bool(bound[1] < bound[0] < 1)
    True
    """
    guarantee = check_guarantee(guarantee)
    t_c, t = int(compute_size), int(output_code_size)
    q_out = np.atleast_1d(np.asarray(q_out, float))
    rows_free = t - comb(k, 2)
    own = COLLINEAR_MAX * (k - 1)
    if rows_free < 1 or t_c <= own:
        return np.ones_like(q_out)
    mu = comb(k, 2) * largest_load / q_out
    per_event = poisson_sf(t_c - own, mu) ** rows_free
    n_first, n_second = union_counts(guarantee, n_vertices, n_outputs, k, d_k)
    return np.minimum(1.0, (n_first + n_second) * per_event)


def _checked(pairs, n_inputs, k, failure_prob, guarantee, seed):
    """The instance and the checked k, failure_prob, guarantee and seed, as sizing and building take them."""
    instance = as_and_instance(pairs, n_inputs)
    return (instance, check_int(k, "k", 1, instance.n_inputs), check_probability(failure_prob, "failure_prob"),
            check_guarantee(guarantee), check_int(seed, "seed", 0))


def decoded_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *, seed: int = 0,
                  guarantee: str = "every_input", max_neurons: int | None = None) -> DecodedSizes:
    """Choose the sizes of the decoded construction for this instance and seed.

    Minimises s q_in + 2v + N + t q_out (N the units that serve a pair)
    subject to :func:`decoded_failure_bound` ≤ ``failure_prob``. The input
    channel is the narrowest that decodes: s = k + 1 rows of the least prime
    q_in with q_in² ≥ m. The search runs over the plane's prime q (from
    max(⌈√v⌉, 3(k − 1) + 1) up, geometric), every t_c with
    3(k − 1) < t_c ≤ q, t, and the least feasible q_out; N and R_max
    are counted on the embeddings of ``seed``, which the network must be
    built with. Sizes with ``max_neurons`` or more neurons are skipped
    (ValueError if none is left).

    Examples
    --------
    >>> from superpos.families import clique_pairs
    >>> sizes = decoded_sizes(clique_pairs(40, 190), 40, 3, 1e-3)
    >>> sizes.n_vertices, sizes.failure_bound <= 1e-3
    (20, True)
    """
    instance, k, failure_prob, guarantee, seed = _checked(pairs, n_inputs, k, failure_prob, guarantee, seed)
    n_inputs, n_outputs = instance.n_inputs, instance.n_outputs
    vertices, local = _vertices(instance)
    v = len(vertices)
    if comb(v, 2) > MAX_VERTEX_PAIRS:
        raise ValueError(f"the pairs have v = {v} vertices; the decoded layout bounds the load of all C(v, 2) = "
                         f"{comb(v, 2):,} vertex pairs and takes at most {MAX_VERTEX_PAIRS:,} of them (it pays "
                         "two neurons per vertex, so it is meant for pair graphs on few vertices)")
    s = k + 1
    q_in = next_prime(max(s, isqrt(n_inputs - 1) + 1))
    d_k = float(np.sort(instance.influence)[::-1][:k].sum())
    fixed_in = s * q_in + 2 * v
    if max_neurons is not None and fixed_in >= max_neurons:
        raise ValueError(f"decoding v = {v} vertices already takes {fixed_in:,} neurons, not fewer than "
                         f"max_neurons = {max_neurons:,}")
    own = COLLINEAR_MAX * (k - 1)  # the most an absent output's own units bring (proved)
    t_values = np.arange(comb(k, 2) + 1, comb(k, 2) + 13)
    q_out_grid = np.array(prime_grid(max(isqrt(n_outputs - 1) + 1, int(t_values[-1]), 2), 120, 1.06), float)
    best = None
    for plane_q in prime_grid(max(isqrt(v - 1) + 1, own + 1, 2), 8, 1.1):
        lines = embedded_lines(local, v, plane_q, plane_q, seed)
        units_per_embedding = [np.unique(lines[:, j]).size for j in range(lines.shape[1])]
        n_units_of = np.cumsum(units_per_embedding)
        loads = largest_pair_loads(local, v, plane_q, plane_q, seed)
        for t_c in range(own + 1, plane_q + 1):
            n_units, largest = int(n_units_of[t_c - 1]), int(loads[t_c - 1])
            ceiling = best.n_neurons if best is not None else max_neurons
            if ceiling is not None and fixed_in + n_units + t_values[0] * q_out_grid[0] >= ceiling:
                continue
            for t in t_values:
                bound = decoded_failure_bound(n_outputs, v, k, t_c, largest, int(t), q_out_grid, d_k,
                                              guarantee=guarantee)
                ok = np.nonzero(bound <= failure_prob)[0]
                if not len(ok):
                    continue
                q_out = int(q_out_grid[ok[0]])
                n = fixed_in + n_units + int(t) * q_out
                if (best is None or n < best.n_neurons) and (max_neurons is None or n < max_neurons):
                    best = DecodedSizes(s, q_in, v, plane_q, t_c, n_units, largest, int(t), q_out, seed,
                                        float(bound[ok[0]]), guarantee)
    if best is None:
        below = f" with fewer than {max_neurons} neurons" if max_neurons is not None else ""
        raise ValueError(f"no decoded sizes within the search range{below} meet failure_prob = {failure_prob}")
    return best


def build_decoded_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, sizes: DecodedSizes | None = None,
                              failure_prob: float = 1e-6, guarantee: str = "every_input",
                              enforce_bound: bool = True) -> Network:
    """Build the decoded AND network: decode the vertices, units on lines of AG(2, q), route to output codes.

    Parameters
    ----------
    pairs, n_inputs, k, seed
        As for :func:`superpos.one_layer.build_one_layer_and_network`.
    sizes : DecodedSizes, optional
        From :func:`decoded_sizes` for this instance and seed; searched when omitted.
    failure_prob : float
        Target bound on the probability of a wrong decision; given sizes must meet it.
    guarantee : {"every_input", "per_input"}
        What ``failure_prob`` bounds; given sizes must bound the same.
    enforce_bound : bool
        False lets given sizes void the guarantee; false negatives stay impossible.

    Examples
    --------
    >>> from superpos.families import clique_pairs
    >>> net = build_decoded_and_network(clique_pairs(40, 190), 40, 3, failure_prob=1e-3)
    >>> len(net.layers), net.widths[1]   # two ReLUs for each of the 20 vertices
    (3, 40)
    """
    instance, k, failure_prob, guarantee, seed = _checked(pairs, n_inputs, k, failure_prob, guarantee, seed)
    n_inputs, n_outputs = instance.n_inputs, instance.n_outputs
    if sizes is None:
        sizes = decoded_sizes(instance, n_inputs, k, failure_prob, seed=seed, guarantee=guarantee)
    elif not isinstance(sizes, DecodedSizes):
        raise TypeError(f"sizes must be DecodedSizes (from decoded_sizes), got {type(sizes).__name__}")
    if sizes.seed != seed:
        raise ValueError(f"the sizes count the units of seed {sizes.seed}, but the network is built with seed {seed}; "
                         "make them with decoded_sizes(..., seed=seed)")
    if sizes.code_size < k + 1:
        raise ValueError(f"the decode layer is exact only for code_size s >= k + 1 = {k + 1}, got s = {sizes.code_size}")
    check_bound(sizes, failure_prob, guarantee, enforce_bound)
    vertices, local = _vertices(instance)
    if len(vertices) != sizes.n_vertices:
        raise ValueError(f"the sizes are for {sizes.n_vertices} vertices, but the pairs have {len(vertices)}")
    s, t_c, t = sizes.code_size, sizes.compute_size, sizes.output_code_size
    v = len(vertices)
    input_codes = input_code_book(n_inputs, sizes.n_input_neurons, s, seed)
    output_codes = output_code_book(n_outputs, sizes.n_output_neurons, t, seed)
    # Layer 1: two ReLUs per vertex reading its code, biases -(s-1) and -s; their difference is [i ∈ A].
    read = input_codes[vertices]
    layer1 = (sp.vstack([read, read]).tocsr(), np.concatenate([np.full(v, -(s - 1.0)), np.full(v, -float(s))]))
    # Layer 2: unit u reads y_i (+1 on the first ReLU, -1 on the second) over its group, bias -1.
    units, n_units = _units(embedded_lines(local, v, sizes.plane_q, t_c, seed))
    if n_units != sizes.n_units:
        raise ValueError(f"the sizes count {sizes.n_units} units, but these pairs use {n_units}; "
                         "make the sizes from the same pairs and seed")
    group = binary_support(sp.csr_matrix(
        (np.ones(2 * units.size), (np.concatenate([units.ravel()] * 2),
                                   np.concatenate([np.repeat(local[:, 0], t_c), np.repeat(local[:, 1], t_c)]))),
        shape=(n_units, v)))
    layer2 = (sp.hstack([group, -group]).tocsr(), np.full(n_units, -1.0))
    # Layer 3: output neuron w adds the units of the outputs whose code holds w.
    out_rows = np.repeat(output_codes, t_c, axis=1).ravel()
    unit_cols = np.tile(units, (1, t)).ravel()
    routes = binary_support(sp.csr_matrix((np.ones(out_rows.size), (out_rows, unit_cols)),
                                          shape=(sizes.n_output_neurons, n_units)))
    layer3 = (routes, np.full(sizes.n_output_neurons, -(t_c - 1.0)))
    return Network(input_codes, [layer1, layer2, layer3], output_codes, 1.0,
                   name=f"decoded AND (v={v}, q={sizes.plane_q}, t_c={t_c}, t={t}, "
                        f"{sizes.guarantee.replace('_', '-')} bound={sizes.failure_bound:.2g})")


def decoded_vertices(network: Network, k: int) -> np.ndarray:
    """The inputs a network of the decoded layout decodes, after checking that the decode Lemma holds for it.

    Checks what the Lemma needs, on the network as it is: three layers;
    layer 1 is v pairs of rows (row i and row v + i) that read exactly the
    input code S_f of one input f with weight 1 and biases −(s_f − 1) and
    −s_f; every other input code shares at most ⌊(s_f − 1)/k⌋ neurons with
    S_f (so k others put at most s_f − 1 there); and layer 2 reads each pair
    only as its difference (opposite columns). Then layer 1 feeds layer 2
    exactly [f ∈ A] for every input with at most k actives.

    Returns
    -------
    numpy.ndarray of int64
        f for each pair, in row order.

    Raises
    ------
    ValueError
        Naming the first condition the network fails.

    Examples
    --------
    >>> from superpos.families import clique_pairs
    >>> pairs = clique_pairs(40, 190)
    >>> net = build_decoded_and_network(pairs, 40, 3, failure_prob=1e-3)
    >>> decoded_vertices(net, 3).tolist() == sorted(set(pairs.ravel().tolist()))
    True
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a superpos.network.Network, got {type(network).__name__}")
    what = "the decoded layout (three layers: decode pairs, units, routing)"
    if len(network.layers) != 3:
        raise ValueError(f"{what} has 3 layers, this network has {len(network.layers)}")
    read, bias = network.layers[0]
    if read.shape[0] % 2 or not read.nnz or np.any(read.data != 1):
        raise ValueError(f"layer 0 of {what} must be pairs of 0/1 rows")
    v = read.shape[0] // 2
    first, second = read[:v], read[v:]
    if (first != second).nnz:
        raise ValueError(f"layer 0 of {what}: row i and row v + i must read the same neurons")
    sizes = np.diff(first.indptr)
    if not (np.array_equal(bias[:v], -(sizes - 1.0)) and np.array_equal(bias[v:], -sizes.astype(float))):
        raise ValueError(f"layer 0 of {what}: the biases of a pair reading s neurons must be -(s-1) and -s")
    codes = network.input_codes
    overlap = (first @ codes.T).tocsr()  # (v, m): neurons each decoded code shares with every input code
    code_sizes = np.diff(codes.indptr)
    vertices = np.full(v, -1, dtype=np.int64)
    for row in range(v):
        inputs = overlap.indices[overlap.indptr[row]:overlap.indptr[row + 1]]
        shared = overlap.data[overlap.indptr[row]:overlap.indptr[row + 1]]
        exact = inputs[(shared == sizes[row]) & (code_sizes[inputs] == sizes[row])]
        if len(exact) != 1:
            raise ValueError(f"layer 0 of {what}: row {row} must read exactly the code of one input "
                             f"(found {len(exact)} inputs with that code)")
        vertices[row] = exact[0]
    others = overlap.tolil()
    for row in range(v):
        others[row, vertices[row]] = 0
    largest_overlap = np.asarray(others.tocsr().max(axis=1).toarray()).ravel()
    if np.any(k * largest_overlap > sizes - 1):
        row = int(np.argmax(k * largest_overlap - (sizes - 1)))
        raise ValueError(f"the code of input {int(vertices[row])} ({int(sizes[row])} neurons) shares "
                         f"{int(largest_overlap[row])} neurons with another code, so {k} actives could put "
                         f"{k * int(largest_overlap[row])} ≥ s there and decoding is not exact")
    units, _ = network.layers[1]
    units = units.tocsc()
    if (units[:, :v] + units[:, v:]).nnz:
        raise ValueError(f"layer 1 of {what} must read each decode pair as its difference (opposite columns)")
    return vertices


def certify_decoded(network: Network, pairs, k: int, *, max_witnesses: int = 100, batch_size: int = 4096,
                    progress: bool = False, n_jobs: int = 1):
    """Decide exactly whether any input with at most k actives gets a wrong decision, for the decoded layout.

    By the decode Lemma (checked on the network by :func:`decoded_vertices`)
    the decisions on an input A are those on A ∩ V, V the decoded inputs. So
    the network is right on every one of the Σ_{j≤k} C(m, j) inputs iff it is
    right on every subset of V of at most k members; this runs all
    Σ_{j≤k} C(v, j) of them through the network and compares with the true
    ANDs. Nothing is skipped.

    Returns
    -------
    superpos.certificate.Certificate
        ``layout="decoded"``, counts of wrong outputs and (output, input) witnesses.

    Examples
    --------
    >>> from superpos.families import clique_pairs
    >>> pairs = clique_pairs(40, 190)
    >>> net = build_decoded_and_network(pairs, 40, 3, failure_prob=1e-3)
    >>> result = certify_decoded(net, pairs, 3)
    >>> result.passed, result.n_input_sets   # every input of 40 features, by the 1,351 subsets of the 20 vertices
    (True, 10701)
    """
    from superpos.certificate import Certificate
    from superpos.inputs import count_input_sets
    from superpos.verify import checked_instance

    started = time.perf_counter()
    instance, k = checked_instance(network, pairs, k)
    vertices = decoded_vertices(network, k)
    max_witnesses = check_int(max_witnesses, "max_witnesses", 0)
    false_positive, false_negative, witnesses = set(), set(), []
    sizes = range(min(k, len(vertices)) + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=sum(comb(len(vertices), j) for j in sizes), desc="certify decoded", unit="input")
    for size in sizes:
        combos = combinations(range(len(vertices)), size)
        while True:
            block = list(islice(combos, 2**18))
            if not block:
                break
            members = vertices[np.array(block, dtype=np.int64).reshape(len(block), size)]
            batch = sp.csr_matrix((np.ones(members.size, dtype=bool), members.ravel(),
                                   np.arange(len(members) + 1) * size), shape=(len(members), network.n_inputs))
            decoded = network.compute(batch, batch_size=batch_size, n_jobs=n_jobs)
            difference = (decoded.astype(np.int8) - instance.true_outputs(batch).astype(np.int8)).tocoo()
            for row, output, sign in zip(difference.row, difference.col, difference.data):
                seen = false_positive if sign > 0 else false_negative
                if output not in seen:
                    seen.add(int(output))
                    if len(witnesses) < max_witnesses:
                        witnesses.append((int(output), tuple(int(i) for i in members[row])))
            if bar is not None:
                bar.update(len(members))
    if bar is not None:
        bar.close()
    return Certificate(layout="decoded", n_inputs=network.n_inputs, n_outputs=network.n_outputs, k=k,
                       n_input_sets=count_input_sets(network.n_inputs, k), false_positives=len(false_positive),
                       false_negatives=len(false_negative), witnesses=tuple(witnesses),
                       seconds=time.perf_counter() - started)

