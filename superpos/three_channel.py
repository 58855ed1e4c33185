"""The three-channel AND network, for instances with heavy inputs: failure bound, sizing and builder.

An input of large influence (a hub) sits in nearly every served set of a
one-layer network (:mod:`superpos.one_layer`) and spoils outputs it is not
part of. The three-channel layout keeps the fixed input and output channels
(:mod:`superpos.codes`) and puts a compute channel between them:

* outputs with two light endpoints get t_c compute units in a shared pool,
  mixed at random;
* the outputs owned by a heavy input h (its heavier endpoint) get t_c units in
  a block of h's own, on the lines of GF(q_h) (or, when h owns at most q_h
  outputs, one column each), so that two of them share at
  most one unit;
* every such unit u is clamped to exactly 0 or 1 by two ReLUs,
  c_u = ReLU(p_u) - ReLU(p_u - 1), where p_u is an integer;
* an output whose sharing would cost more than it saves (the outputs of an
  owner of few pairs, or light outputs with a busy endpoint) gets instead a
  *dedicated* unit of its own: one ReLU reading its two endpoint codes, an
  exact AND detector for every input when s > 2(k - 1);
* the output layer routes: neuron w fires iff at least t_c of the clamped
  units of the outputs it serves are on, or one of their dedicated units is
  (weight t_c).

It has no false negatives for any input (:func:`build_three_channel_and_network`)
and its own failure bound (:func:`three_channel_failure_bound`), which
:func:`three_channel_sizes` meets with the fewest neurons. With every output
dedicated the routing neurons are ORs of exact detectors, and the network is
exact on every input once t > C(k, 2) (two line codes share at most one
neuron, so the at most C(k, 2) present outputs cover at most C(k, 2) neurons
of an absent output's code): m' + s q_in + t q_out neurons, bound 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from math import comb, isqrt

import numpy as np
import scipy.sparse as sp

from superpos.codes import (ChannelWidths, LineCodeSizes, code_book_seed, input_code_book, line_code_book,
                            next_primes, output_code_book, prime_grid)
from superpos.instance import as_and_instance
from superpos.network import Network
from superpos.numerics import binary_support, log_comb
from superpos.union_bound import (binom_sf, check_bound, check_guarantee, poisson_sf, shared_term_weights,
                                  spoiler_counts, union_counts)
from superpos.validation import check_int, check_probability, check_random_state

__all__ = ["ThreeChannelSizes", "block_gate", "build_three_channel_and_network", "compute_units",
           "every_output_dedicated", "three_channel_failure_bound", "three_channel_sizes"]


@dataclass(frozen=True)
class ThreeChannelSizes(ChannelWidths):
    """Sizes of the three-channel construction and its failure bound (made by :func:`three_channel_sizes`).

    Examples
    --------
    >>> sizes = ThreeChannelSizes(code_size=6, q_in=7, compute_size=4, n_light_units=20,
    ...                           heavy_inputs=np.array([3]), block_sizes=np.array([28]), q_out=11,
    ...                           output_code_size=5, failure_bound=1e-7)
    >>> sizes.n_units, sizes.n_neurons   # 42 input neurons, two ReLUs per unit, 55 output neurons
    (48, 193)
    """

    code_size: int  #: s, neurons per input code
    q_in: int  #: prime; the input channel has s·q_in neurons
    compute_size: int  #: t_c, compute units per output
    n_light_units: int  #: units of the shared pool of light outputs
    heavy_inputs: np.ndarray  #: the owners of blocks (heavy inputs that own at least one pair)
    block_sizes: np.ndarray  #: units in each owner's block
    q_out: int  #: prime; the output channel has t·q_out neurons
    output_code_size: int  #: t, neurons per output code (each fires on t_c routed units)
    failure_bound: float  #: bound on P[a wrong decision] (one fixed input, or any input, per the guarantee)
    guarantee: str = "every_input"  #: what ``failure_bound`` bounds (see :mod:`superpos.union_bound`)
    #: the outputs with a unit of their own (an exact AND detector, one ReLU), in increasing order
    dedicated_outputs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)

    @property
    def n_clamped_units(self) -> int:
        """Clamped compute units: the light pool and every block."""
        return self.n_light_units + int(self.block_sizes.sum())

    @property
    def n_units(self) -> int:
        """Compute units: the clamped ones and one for each dedicated output."""
        return self.n_clamped_units + len(self.dedicated_outputs)

    @property
    def n_neurons(self) -> int:
        """Neurons of the network: two ReLUs per clamped unit (ReLU(p) - ReLU(p - 1)), one per dedicated unit."""
        return (self.n_input_neurons + 2 * self.n_clamped_units + len(self.dedicated_outputs)
                + self.n_output_neurons)

    def describe(self) -> str:
        """The sizes in the book's symbols, for messages.

        Examples
        --------
        >>> ThreeChannelSizes(6, 7, 4, 20, np.array([3]), np.array([28]), 11, 5, 1e-7).describe()
        's = 6, q_in = 7, t_c = 4, t = 5, q_out = 11, 20 pool units, 1 blocks, 0 dedicated units'
        """
        return (f"s = {self.code_size}, q_in = {self.q_in}, t_c = {self.compute_size}, t = {self.output_code_size}, "
                f"q_out = {self.q_out}, {self.n_light_units} pool units, {len(self.heavy_inputs)} blocks, "
                f"{len(self.dedicated_outputs)} dedicated units")


def every_output_dedicated(sizes, k: int) -> bool:
    """True iff ``sizes`` give every output a dedicated unit, with s > 2(k - 1) and t > C(k, 2).

    Such a network is exact on every input with at most k actives, for every
    seed (proved; see :func:`build_three_channel_and_network` and the module
    docstring): nothing in it is left to a bound.

    Examples
    --------
    >>> from superpos.families import star_pairs
    >>> every_output_dedicated(three_channel_sizes(star_pairs(40, 39, seed=0), 40, 2, 1e-3), 2)
    True
    >>> every_output_dedicated(three_channel_sizes(star_pairs(40, 39, seed=0), 40, 2, 1e-3, dedicate=False), 2)
    False
    """
    k = check_int(k, "k", 1)
    return (isinstance(sizes, ThreeChannelSizes) and sizes.n_clamped_units == 0 and len(sizes.dedicated_outputs) > 0
            and sizes.code_size > 2 * (k - 1) and sizes.output_code_size > comb(k, 2))


def three_channel_failure_bound(n_outputs: int, k: int, sizes_light: tuple, sizes_heavy: tuple,
                                code_size: int, q_in: int, compute_size: int, output_code_size: int,
                                q_out, d_k: float, *, guarantee: str = "per_input",
                                n_inputs: int | None = None, n_dedicated: int = 0) -> np.ndarray:
    """Bound on P[a wrong decision], three channels: for one fixed input, or for any input at all.

    Every compute unit u serves a set of outputs whose endpoints form its group
    G_u; it has weight 1 on the union of their input codes and fires iff the
    input puts at least 2s there. Light outputs share a pool of N_L units at
    random; the outputs owned by a heavy input h share a block of B_h = t_c min(q_h, d_h)
    units of their own (t_c rows of min(q_h, d_h), q_h prime), so h belongs to the groups
    of its block and of no other unit. In a block, output (h, x) gets the units
    of a line over GF(q_h), one per row, so two outputs of h share at most one
    unit.

    Compute stage. A unit of an absent output ℓ with an active endpoint is
    *spoiled* (on) if another active input is in its group or if the other
    actives' codes cover s neurons of its union:

    * light ℓ: p_L(c) = d_L t_c / N_L + P[Bin((k-1)s, f_L) ≥ s - c], where d_L
      is the sum of the k-1 largest light influences (an active y lies in the
      group with probability ≤ d_y t_c / N_L), f_L = 1 - (1 - 1/q_in)^{2 r_L}
      the share of a row that r_L = m'_L t_c / N_L outputs' codes cover, and
      c ~ Bin(2s(k-1), 1/q_in) what the others put on ℓ's own endpoint codes
      (shared by all t_c units);
    * heavy ℓ = (h, x): another active in a unit's group is a partner y of h,
      and the line of (h, y) meets the line of ℓ in at most one unit, so at
      most k-1 of ℓ's units are spoiled this way, for every input; each other
      unit is spoiled by cover with probability
      p_H(c) = P[Bin((k-1)s, f_H) ≥ s - c], f_H = 1 - (1 - 1/q_in)^{r_H + 1}
      (h and the r_H partners a unit serves), and Y ≤ (k-1) + Bin(t_c-k+1, p_H).
      Here the shared term is c = γ e_h + e_x: a neuron of S_h has weight γ
      (:func:`block_gate`), so each of the e_h ~ Bin(s(k-1), 1/q_in) neurons
      the others put on S_h (at most k-1, lines) brings γ, and each of the
      e_x on S_x brings 1;
    * dedicated ℓ: its one unit is on only when ℓ is present (proved, see
      :func:`build_three_channel_and_network`), so Y = 0 for every input.

    Routing stage. Output neuron w fires iff at least t_c units of V_w are on.
    The units of ℓ's own compute code that are on, Y ~ Bin(t_c, p), count in all
    t rows; the other on units land in V_w independently per row, each with
    probability r/q_out (r = outputs a unit serves, at most r_max), so their
    number is at most Poisson(μ) with μ = n_on r_max / q_out and
    n_on = C(k,2) t_c + k·max(max_h B_h E[cover_H], d_L t_c E[p_L]) the on
    units (a dedicated unit is on only for a present output, and it lands only
    in that output's own neurons). At most C(k,2) rows of T_ℓ meet a true
    output's code (line codes), so

        P₁ = Σ_c P[c] Σ_y Bin(y; t_c, p(c)) · P[Poisson(μ) ≥ t_c - y]^{t - C(k,2)}

    for outputs with an active endpoint and
    P₂ = P[Poisson(μ) ≥ t_c]^{t - C(k,2)} + P[Bin(ks, f_L) ≥ 2s]^{t_c} for the
    others. For one fixed input (``guarantee="per_input"``) the bound is
    D_k (P₁(light) + P₁(dedicated)) + k max_h d_h P₁(h) + m' P₂, with
    P₁(dedicated) = P[Poisson(μ) ≥ t_c]^{t - C(k,2)}. For every input at once
    (``"every_input"``, needs ``n_inputs``) it is
    Σ_D N_L(D) P₁(light; D) + N₁ (m'_H/m') max_h P₁(h) + N₁ (m'_D/m') P₁(dedicated) + N₂ P₂,
    m'_H and m'_D the outputs in blocks and dedicated, with N_L(D)
    the light events whose other actives have light influence D
    (:func:`superpos.union_bound.spoiler_counts` of the light pairs; d_L
    becomes D) and N₁, N₂ the event counts of
    :func:`superpos.union_bound.union_counts`. Rows and units are treated as
    independent, as in the one-layer bound. Vectorised over q_out.

    Parameters
    ----------
    n_outputs, k : int
        m' and the largest number of active inputs.
    sizes_light : tuple
        (m'_L light outputs, N_L pool units, d_L, spoiler counts of the light pairs or None).
    sizes_heavy : tuple
        (influence d_h of each block owner, block sizes B_h, r_H the most outputs a block unit serves).
    code_size, q_in, compute_size : int
        s, q_in and t_c.
    output_code_size : int or array of int
        t; an array is paired with ``q_out`` entry by entry (broadcast), so
        that one call evaluates a grid of (t, q_out).
    q_out : float or array of float
        The output channel's primes to evaluate.
    d_k : float
        The sum of the k largest influences.
    guarantee : {"per_input", "every_input"}
    n_inputs : int, optional
        m, needed for ``"every_input"``.
    n_dedicated : int
        m'_D, the outputs with a dedicated unit (neither light nor in a block).

    Examples
    --------
    >>> bound = three_channel_failure_bound(10, 2, (10, 40, 1.0, None), (np.zeros(0), np.zeros(0), 0.0),
    ...                                     6, 7, 4, 4, [11, 23], 2.0)
    >>> bool(bound[1] < bound[0])
    True
    """
    guarantee = check_guarantee(guarantee)
    if guarantee == "every_input" and n_inputs is None:
        raise ValueError("guarantee='every_input' needs n_inputs (the union runs over every input)")
    n_light, n_light_units, d_light, light_spoilers = sizes_light
    owner_degrees, blocks, r_heavy = sizes_heavy
    has_blocks = len(blocks) > 0
    s, t_c = int(code_size), int(compute_size)
    q_out, t = (np.array(a, float) for a in np.broadcast_arrays(np.atleast_1d(np.asarray(q_out, float)),
                                                                np.asarray(output_code_size, float)))
    spoiled_by_partners = min(k - 1, t_c)
    rows_free = t - comb(k, 2)  # (Q,); entries with no free row get the trivial bound 1
    y = np.arange(t_c + 1)
    c, w_c = shared_term_weights(2 * s * (k - 1), min(s, 2 * (k - 1)), q_in)

    r_light = n_light * t_c / max(n_light_units, 1)
    f_light = -np.expm1(2.0 * r_light * np.log1p(-1.0 / q_in))
    cover_light = binom_sf(s - c - 1, (k - 1) * s, f_light)
    p_light = np.minimum(1.0, d_light * t_c / max(n_light_units, 1) + cover_light) if n_light else 0.0 * c
    f_heavy = -np.expm1((r_heavy + 1.0) * np.log1p(-1.0 / q_in))
    # A block unit weighs its owner's code γ times: what the others put on S_h counts γ per neuron.
    c_heavy, w_heavy = _gated_shared_term(s, k, q_in) if has_blocks else (c, w_c)
    cover_heavy = binom_sf(s - c_heavy - 1, (k - 1) * s, f_heavy)
    r_max = max(r_light if n_light else 0.0, r_heavy if has_blocks else 0.0)
    n_on = comb(k, 2) * t_c + k * max(float(blocks.max()) * float(cover_heavy @ w_heavy) if has_blocks else 0.0,
                                      d_light * t_c * float(p_light @ w_c))
    # μ depends on q_out only: evaluate the Poisson tail once per distinct prime, then per row count.
    primes, which = np.unique(q_out, return_inverse=True)
    per_row = poisson_sf(t_c - y[None, :], n_on * r_max / primes[:, None])
    tail = per_row[which] ** np.maximum(rows_free, 1.0)[:, None]  # (Q, t_c + 1)

    def p_one(p_of_c, fixed=0, weights=w_c):
        # Y = fixed + Bin(t_c - fixed, p), p of shape (..., C): P[Y = y] of shape (..., C, t_c + 1),
        # summed against the routing tail.
        n, z = t_c - fixed, y - fixed
        p = np.asarray(p_of_c, float)[..., None]
        with np.errstate(invalid="ignore"):
            binom = np.exp(log_comb(n, np.clip(z, 0, n)) + z * np.log(np.maximum(p, 1e-300))
                           + (n - z) * np.log1p(-np.minimum(p, 1 - 1e-16)))
        binom = np.where(p >= 1, (y == t_c).astype(float), binom)
        binom = np.where((z < 0) | (z > n), 0.0, binom)
        return np.einsum("...cy,c->...y", binom, weights) @ tail.T  # weigh the shared term first, then route

    light_one = p_one(p_light) if n_light else np.zeros_like(q_out)
    # cover_heavy is for the block unit with the most partners (r_H), so it bounds every block's P₁.
    heavy_one = p_one(cover_heavy, spoiled_by_partners, w_heavy) if has_blocks else np.zeros_like(q_out)
    p2_light = binom_sf(2 * s - 1, k * s, f_light) ** t_c if n_light else 0.0
    p2 = tail[:, 0] + p2_light
    # A dedicated unit is on only when its own output is present, so an absent dedicated output can fire
    # only through the routing, with none of its own units on: the tail at y = 0.
    dedicated_one = tail[:, 0] if n_dedicated else 0.0 * q_out
    if guarantee == "per_input":
        heavy_term = k * float(np.max(owner_degrees)) * heavy_one if has_blocks else 0.0
        return np.where(rows_free < 1, 1.0, np.minimum(1.0, d_k * (light_one + dedicated_one) + heavy_term
                                                       + n_outputs * p2))
    n_first, n_second = union_counts(guarantee, n_inputs, n_outputs, k, d_k)
    if n_light and light_spoilers is not None:
        # Light events grouped by the light influence D of the other actives: p_L(D) = D t_c / N_L + cover.
        p_by_sum = np.minimum(1.0, light_spoilers.first_sums[:, None] * t_c / n_light_units + cover_light[None, :])
        light_term = light_spoilers.first_counts @ p_one(p_by_sum)
    else:
        light_term = n_first * n_light / n_outputs * light_one
    heavy_term = n_first * (n_outputs - n_light - n_dedicated) / n_outputs * heavy_one
    dedicated_term = n_first * n_dedicated / n_outputs * dedicated_one
    return np.where(rows_free < 1, 1.0, np.minimum(1.0, light_term + heavy_term + dedicated_term + n_second * p2))


def _gated_shared_term(code_size: int, k: int, q_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Values and probabilities of c = γ e_h + e_x, what the other actives put on a block output's own codes.

    e_h and e_x are the neurons of S_h and S_x that the other k - 1 actives'
    codes hold, each Binomial(s(k - 1), 1/q_in) and at most k - 1 (a line
    meets another in at most one neuron); a neuron of the owner's code S_h
    has weight γ = :func:`block_gate` in a block unit, so it counts γ times.
    e_h and e_x are treated as independent, like the rest of the bound.

    Examples
    --------
    >>> values, weights = _gated_shared_term(15, 3, 101.0)   # γ = 3 at s = 15, k = 3
    >>> int(values.max()), round(float(weights.sum()), 12)   # γ(k - 1) + (k - 1)
    (8, 1.0)
    """
    gate = block_gate(code_size, k)
    hits, weight = shared_term_weights(code_size * (k - 1), k - 1, q_in)
    values = (gate * hits[:, None] + hits[None, :]).ravel()
    weights = (weight[:, None] * weight[None, :]).ravel()
    order = np.argsort(values, kind="stable")
    return values[order], weights[order]


def _owners(pairs: np.ndarray, degrees: np.ndarray, heavy: np.ndarray) -> np.ndarray:
    """Owner of each pair: its heavier endpoint if that one is heavy (ties: the smaller index), else -1."""
    a, b = pairs[:, 0], pairs[:, 1]
    first = (degrees[a] > degrees[b]) | ((degrees[a] == degrees[b]) & (a < b))
    owner = np.where(first, a, b)
    return np.where(heavy[owner], owner, -1)


def _heavy_split(degrees: np.ndarray, pairs: np.ndarray, k: int, r_cap: float, share: float) -> np.ndarray:
    """Owner of each pair (-1 for light pairs) for a cap r_cap on the outputs a unit serves.

    An input is heavy when, mixed into a light pool of N = m' t_c / r_cap units,
    it would sit in more than a ``share`` of them divided among the k-1 other
    actives: d t_c / N = d r_cap / m' > share / (k-1).
    """
    heavy = degrees > share * len(pairs) / (max(k - 1, 1) * r_cap)
    return _owners(pairs, degrees, heavy)


def _light_dedication_options(split: np.ndarray, pairs: np.ndarray, n_inputs: int, allowed: bool) -> list:
    """Candidate sets of light outputs that get a unit of their own (boolean masks over the outputs).

    A light output shares the pool with the others, where an active endpoint
    of many light pairs spoils many units; one of its own costs a single ReLU
    and is never spoiled. The candidates dedicate the light outputs with an
    endpoint of light influence above D, for D in (∞, 4, 0): none, those with
    a busy endpoint, and all.
    """
    light = split < 0
    none = np.zeros(len(pairs), bool)
    if not allowed or not light.any():
        return [none]
    light_deg = np.bincount(pairs[light].ravel(), minlength=n_inputs)
    end_deg = np.maximum(light_deg[pairs[:, 0]], light_deg[pairs[:, 1]])
    options, seen = [], set()
    for cut in (np.inf, 4, 0):
        mask = light & (end_deg > cut)
        if mask.tobytes() not in seen:
            seen.add(mask.tobytes())
            options.append(mask)
    return options


def _block_widths(owner_degrees: np.ndarray, t_c: int, r_cap: float) -> np.ndarray:
    """Block widths min(q_h, d_h), q_h the least prime ≥ max(t_c, √d_h, d_h / r_cap): B_h = t_c times the width.

    q_h ≥ t_c and q_h² ≥ d_h make room for d_h distinct lines of t_c points;
    an owner of d_h ≤ q_h outputs needs no lines: each output takes a column
    of its own, t_c·d_h units in all, and no two share a unit.
    q_h ≥ d_h / r_cap caps the outputs a unit serves (d_h / q_h) at r_cap, so
    that the on units spread thinly over the routing neurons. Summed over
    owners, Σ B_h ≤ t_c Σ_h (t_c + √d_h) + 2m' t_c / r_cap, up to the prime gaps.
    """
    need = np.maximum(np.maximum(t_c, np.ceil(np.sqrt(owner_degrees))), np.ceil(owner_degrees / r_cap))
    return np.minimum(next_primes(need.astype(np.int64)), np.asarray(owner_degrees, np.int64))


def three_channel_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *,
                        code_size: int | None = None, compute_size: int | None = None,
                        guarantee: str = "every_input", max_neurons: int | None = None,
                        dedicate: bool = True) -> ThreeChannelSizes:
    """Choose the sizes of the three-channel construction.

    Minimises the neurons s q_in + 2 (N_L + Σ B_h) + t q_out subject to
    :func:`three_channel_failure_bound` ≤ ``failure_prob``. One knob, r_cap
    (the most outputs a pool unit serves), sets the light pool
    N_L = ⌈m'_L t_c / r_cap⌉ and which inputs are heavy (:func:`_heavy_split`);
    the blocks (:func:`_block_widths`) may let their units serve 1, 2 or 4
    times as many. The search runs over s, t_c, q_in, r_cap and that factor
    on geometric grids, and over every t from C(k, 2) + 1 up with the q_out
    of each: the cheapest feasible t·q_out. s runs over 6, 9, …, t_c over
    4, 6, … and t up to tops that start at 15, 14 and 24 and grow while the
    best shared sizes sit at one of them, so no fixed grid keeps s, t_c or t
    from growing with m'.
    Since μ ∝ r_cap / q_out, q_out ∝ r_cap, and with r_cap ∝ √m' both the
    routing and the compute channel take Θ(√m' · t) neurons. ``guarantee``
    is what ``failure_prob`` bounds, as in
    :func:`superpos.one_layer.one_layer_sizes`; sizes with ``max_neurons`` or
    more neurons are skipped (ValueError if none is left). ``code_size`` and
    ``compute_size`` fix s and t_c instead of searching them.

    Dedicated units (``dedicate=True``): the search starts from the network
    with every output dedicated (s = 2k - 1, t = C(k, 2) + 1, the least
    primes with q_in² ≥ m and q_out² ≥ m'; bound 0, exact on every input),
    and for each split also tries dedicating the light outputs with a busy
    endpoint (:func:`_light_dedication_options`) and the outputs of every
    owner whose block, 2 t_c min(q_h, d_h) ReLUs, costs more than d_h single
    ones. ``dedicate=False`` keeps every output in the pool or a block.

    Examples
    --------
    >>> from superpos.families import star_pairs
    >>> sizes = three_channel_sizes(star_pairs(40, 39, seed=0), 40, 2, 1e-3)
    >>> len(sizes.dedicated_outputs), sizes.failure_bound   # at this size, a ReLU per output is smallest
    (39, 0.0)
    >>> shared = three_channel_sizes(star_pairs(40, 39, seed=0), 40, 2, 1e-3, dedicate=False)
    >>> len(shared.heavy_inputs), shared.failure_bound <= 1e-3   # the centre owns a block
    (1, True)
    """
    instance = as_and_instance(pairs, n_inputs)
    n_inputs, n_outputs = instance.n_inputs, instance.n_outputs
    k = check_int(k, "k", 1, n_inputs)
    failure_prob = check_probability(failure_prob, "failure_prob")
    guarantee = check_guarantee(guarantee)
    degrees = instance.influence
    d_k = float(np.sort(degrees)[::-1][:k].sum())
    s_values = [check_int(code_size, "code_size", 2)] if code_size is not None else [6, 9, 12, 15]
    t_c_values = ([check_int(compute_size, "compute_size", comb(k, 2) + 1)] if compute_size is not None
                  else list(range(max(4, comb(k, 2) + 1), 15, 2)))
    t_top = 24
    dedicate = bool(dedicate)
    owner_thrift = (0.0, 1.0) if dedicate else (0.0,)  # 0: no owner dedicates its outputs
    best = None
    if dedicate and code_size is None and compute_size is None:
        # Every output dedicated: exact on every input (the routing neurons are ORs of its units: t_c = 1,
        # weight 1, bias 0), bound 0; the least s and t that make the units and the decoder exact. It sets
        # the ceiling the search must beat.
        s_all, t_all = 2 * (k - 1) + 1, comb(k, 2) + 1
        q_in_all = next_primes(np.array([max(s_all, isqrt(n_inputs - 1) + 1)]))[0]
        q_out_all = next_primes(np.array([max(t_all, isqrt(n_outputs - 1) + 1)]))[0]
        candidate = ThreeChannelSizes(s_all, int(q_in_all), 1, 0, np.zeros(0, np.int64), np.zeros(0, np.int64),
                                      int(q_out_all), t_all, 0.0, guarantee, np.arange(n_outputs))
        if max_neurons is None or candidate.n_neurons < max_neurons:
            best = candidate
    # The grids of s, t_c and t have no fixed top: while the best shared sizes sit at the top of one,
    # it grows by a step and the new points are searched, so the grid is never what chose a size.
    searched = set()
    while True:
        grid = [(s, t_c) for s, t_c in product(s_values, t_c_values) if (s, t_c) not in searched]
        best = _search_grid(instance, k, failure_prob, guarantee, d_k, grid, t_top, owner_thrift, dedicate,
                            max_neurons, best)
        searched.update(grid)
        if best is None or best.n_clamped_units == 0:
            break  # no shared sizes beat the ceiling: nothing sits at a top
        grown = False
        if code_size is None and best.code_size == s_values[-1]:
            s_values.append(s_values[-1] + 3)
            grown = True
        if compute_size is None and best.compute_size == t_c_values[-1]:
            t_c_values.append(t_c_values[-1] + 2)
            grown = True
        if best.output_code_size == t_top:
            t_top += 8
            searched.clear()  # every (s, t_c) is searched again over the longer t grid
            grown = True
        if not grown:
            break
    if best is None:
        below = f" with fewer than {max_neurons} neurons" if max_neurons is not None else ""
        raise ValueError(f"no three-channel sizes within the search range{below} meet failure_prob = {failure_prob}")
    return best


def _search_grid(instance, k: int, failure_prob: float, guarantee: str, d_k: float, grid: list, t_top: int,
                 owner_thrift: tuple, dedicate: bool, max_neurons, best):
    """The smallest three-channel sizes over the (s, t_c) pairs of ``grid`` and t ≤ ``t_top`` that beat ``best``.

    The search of :func:`three_channel_sizes` for one piece of its grid:
    every heavy split, light dedication option, block cap, owner thrift and
    q_in, with one bound call per point for every (t, q_out). Returns the
    best sizes found, or ``best`` if none has fewer neurons.
    """
    pairs, n_inputs, n_outputs = instance.pairs, instance.n_inputs, instance.n_outputs
    degrees = instance.influence
    if not grid:
        return best
    best_neurons = best.n_neurons if best is not None else None
    # The output code size t and the output channel's prime are searched together: one bound call
    # evaluates every (t, q_out) of the grid, and the cheapest feasible width t·q_out wins.
    q_out_grid = np.array(prime_grid(max(max(t_c for _, t_c in grid), isqrt(n_outputs - 1) + 1, 2), 48, 1.15),
                          float)
    q_flat, t_flat = (g.ravel() for g in np.meshgrid(q_out_grid, np.arange(comb(k, 2) + 1, t_top + 1.0)))
    q_flat, t_flat = q_flat[q_flat >= t_flat], t_flat[q_flat >= t_flat]  # line codes need q_out >= t
    widths = q_flat * t_flat
    splits_seen = set()
    for r_cap, share in product(np.sqrt(n_outputs) * 2.0 ** np.arange(-4, 3, 0.75), (1 / 64, 1 / 16, 1 / 4, 1)):
        split = _heavy_split(degrees, pairs, k, float(r_cap), share)
        if (r_cap, int(np.count_nonzero(split >= 0))) in splits_seen:
            continue  # the heavy inputs are chosen by a degree threshold, so equal counts mean equal splits
        splits_seen.add((r_cap, int(np.count_nonzero(split >= 0))))
        for light_dedicated in _light_dedication_options(split, pairs, n_inputs, dedicate):
            owner = np.where(light_dedicated, -2, split)
            n_light_dedicated = int(np.count_nonzero(light_dedicated))
            n_light = int(np.count_nonzero(owner == -1))
            light = instance.subset(owner == -1) if n_light else None
            light_deg = light.influence if n_light else np.zeros(1)
            d_light = float(np.sort(light_deg)[::-1][: max(k - 1, 0)].sum())
            light_spoilers = spoiler_counts(light, n_inputs, k) if n_light and guarantee == "every_input" else None
            # Blocks go to the inputs that own a pair; a heavy input whose pairs all
            # belong to heavier partners (a star's leaves) needs none.
            all_owners = np.unique(owner[owner >= 0])
            all_owned = np.bincount(owner[owner >= 0], minlength=n_inputs)[all_owners].astype(float)
            # A block unit may serve more outputs than a pool unit: other actives switch it on only as partners
            # of its owner (at most one unit of an output each) or by cover, which the bound counts with r_H.
            block_caps = r_cap * np.array([1.0, 2.0, 4.0]) if len(all_owners) else [r_cap]
            configs_seen = set()
            for (s, t_c), block_cap, thrift in product(grid, block_caps, owner_thrift):
                # An owner whose block (2 t_c min(q_h, d_h) ReLUs) costs more than `thrift` times d_h
                # dedicated units gives each of its outputs a unit of its own instead.
                widths_all = _block_widths(all_owned, t_c, float(block_cap))
                keep = 2.0 * t_c * widths_all <= thrift * all_owned if thrift else np.ones(len(all_owners), bool)
                owners, owner_deg, block_widths = all_owners[keep], all_owned[keep], widths_all[keep]
                config = (s, t_c, keep.tobytes(), block_widths.tobytes())
                if config in configs_seen:
                    continue  # e.g. every owner dedicated: the block cap changes nothing
                configs_seen.add(config)
                n_dedicated = n_light_dedicated + int(all_owned[~keep].sum())
                if n_dedicated and s <= 2 * (k - 1):
                    continue  # a dedicated unit is an exact detector only for s > 2(k - 1)
                n_light_units = int(np.ceil(n_light * t_c / r_cap)) if n_light else 0
                if n_light and n_light_units < t_c:
                    continue
                blocks = t_c * block_widths
                r_heavy = float((owner_deg / block_widths).max()) if len(blocks) else 0.0
                for q_in in prime_grid(max(s, isqrt(n_inputs - 1) + 1), 6, 1.5):
                    fixed = s * q_in + 2 * (n_light_units + int(blocks.sum())) + n_dedicated
                    ceiling = best_neurons if best is not None else max_neurons
                    if ceiling is not None and fixed + widths.min() >= ceiling:
                        continue  # cannot beat the best even with the narrowest output channel
                    bound = three_channel_failure_bound(n_outputs, k, (n_light, n_light_units, d_light, light_spoilers),
                                                        (owner_deg, blocks, r_heavy), s, q_in, t_c, t_flat,
                                                        q_flat, d_k, guarantee=guarantee, n_inputs=n_inputs,
                                                        n_dedicated=n_dedicated)
                    feasible = np.flatnonzero(bound <= failure_prob)
                    if not len(feasible):
                        continue
                    chosen = feasible[np.argmin(widths[feasible])]
                    n = fixed + int(widths[chosen])
                    if (best is None or n < best_neurons) and (max_neurons is None or n < max_neurons):
                        dedicated = light_dedicated | ((owner >= 0) & ~np.isin(owner, owners))
                        best = ThreeChannelSizes(s, q_in, t_c, n_light_units, owners, blocks, int(q_flat[chosen]),
                                                 int(t_flat[chosen]), float(bound[chosen]), guarantee,
                                                 np.flatnonzero(dedicated))
                        best_neurons = best.n_neurons
    return best


def _draw_units(n_sets: int, size: int, n_units: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each of ``n_sets`` rows, ``size`` distinct units in range(n_units[row]) (redrawn until distinct)."""
    n_units = np.broadcast_to(np.asarray(n_units, np.int64), (n_sets,))
    units = np.floor(rng.random((n_sets, size)) * n_units[:, None]).astype(np.int64)
    while True:
        units.sort(axis=1)
        bad = np.nonzero((np.diff(units, axis=1) == 0).any(axis=1))[0] if size > 1 else np.zeros(0, np.int64)
        if not len(bad):
            return units
        units[bad] = np.floor(rng.random((len(bad), size)) * n_units[bad, None]).astype(np.int64)


def compute_units(pairs, n_inputs: int, sizes: ThreeChannelSizes, seed: int = 0) -> np.ndarray:
    """The t_c compute units of every output, an (m', t_c) int array.

    Light outputs draw distinct units of the pool [0, N_L) at random; the
    outputs owned by the j-th heavy input take distinct lines of its block,
    t_c rows of min(q_h, d_h) units after the pool and the blocks before it, so two of
    them share at most one unit; when the block has one column per owned
    output (width d_h), each output takes its column and shares none. The
    i-th dedicated output has unit N_L + Σ B_h + i, repeated in its t_c columns.

    Examples
    --------
    >>> from superpos.families import star_pairs
    >>> pairs = star_pairs(40, 39, seed=0)
    >>> sizes = three_channel_sizes(pairs, 40, 2, 1e-3, dedicate=False)
    >>> units = compute_units(pairs, 40, sizes)
    >>> units.shape == (39, sizes.compute_size), bool(units.min() >= sizes.n_light_units)   # all in the block
    (True, True)
    """
    instance = as_and_instance(pairs, n_inputs)
    pairs, n_inputs = instance.pairs, instance.n_inputs
    t_c = sizes.compute_size
    heavy = np.zeros(n_inputs, bool)
    heavy[sizes.heavy_inputs] = True
    owner = _owners(pairs, instance.influence, heavy)
    dedicated = np.zeros(len(pairs), bool)
    dedicated[sizes.dedicated_outputs] = True
    owner[dedicated] = -2
    block_of = np.full(n_inputs, -1)
    block_of[sizes.heavy_inputs] = np.arange(len(sizes.heavy_inputs))
    starts = sizes.n_light_units + np.concatenate([[0], np.cumsum(sizes.block_sizes)[:-1]]).astype(np.int64)
    rng = check_random_state(code_book_seed(seed, 2))
    is_heavy = owner >= 0
    units = np.empty((len(pairs), t_c), np.int64)
    units[owner == -1] = _draw_units(int(np.count_nonzero(owner == -1)), t_c, sizes.n_light_units, rng)
    # A dedicated output's one unit, after the clamped ones, stands in all t_c columns.
    units[sizes.dedicated_outputs] = sizes.n_clamped_units + np.arange(len(sizes.dedicated_outputs))[:, None]
    heavy_rows = np.nonzero(is_heavy)[0]
    heavy_rows = heavy_rows[np.argsort(owner[heavy_rows], kind="stable")]
    bounds = np.searchsorted(block_of[owner[heavy_rows]], np.arange(len(sizes.heavy_inputs) + 1))
    for j in range(len(sizes.heavy_inputs)):
        rows = heavy_rows[bounds[j]:bounds[j + 1]]
        width = int(sizes.block_sizes[j]) // t_c
        if width == len(rows):  # a column each: unit x·d_h + r of row x for the r-th output
            units[rows] = starts[j] + np.arange(t_c)[None, :] * width + np.arange(width)[:, None]
        else:
            lines = LineCodeSizes(t_c, width)
            units[rows] = starts[j] + line_code_book(len(rows), lines, code_book_seed(seed, 3 + j))
    return units


def block_gate(code_size: int, k: int) -> int:
    """The weight γ on a block owner's code: the least integer with γ(s - k) > (k - 1)s.

    A block unit of owner h has weight γ on S_h and 1 on its partners' codes
    and fires iff the input puts at least γs + s there. With h active and one
    of its partners, γs + s: it fires. Without h, the other at most k actives
    are line codes, each sharing at most one neuron with S_h, so they put at
    most γk on it and at most ks on the partners: γk + ks < γs + s exactly
    when γ(s - k) > (k - 1)s. So active partners alone never switch a block
    unit on, and the units a block turns on belong to the outputs of an
    active owner.

    Examples
    --------
    >>> block_gate(15, 3), block_gate(6, 3)
    (3, 5)
    >>> block_gate(3, 3)
    Traceback (most recent call last):
    ...
    ValueError: a block needs code size s > k to gate on its owner, got s = 3, k = 3
    """
    code_size = check_int(code_size, "code_size", 1)
    k = check_int(k, "k", 1)
    if code_size <= k:
        raise ValueError(f"a block needs code size s > k to gate on its owner, got s = {code_size}, k = {k}")
    return (k - 1) * code_size // (code_size - k) + 1


def build_three_channel_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *,
                                    sizes: ThreeChannelSizes | None = None, failure_prob: float = 1e-6,
                                    guarantee: str = "every_input", enforce_bound: bool = True) -> Network:
    """Build the three-channel AND network: input codes, compute units, routing to output codes.

    Layer 1 holds two ReLUs per compute unit u, ReLU(p_u) and ReLU(p_u - 1),
    whose difference c_u is exactly 0 or 1 because p_u is an integer. Unit u
    has weight 1 on the union of the input codes of the endpoints of the
    outputs it serves and bias -(2s-1). Light outputs get t_c units of the
    shared pool at random; outputs owned by a heavy input h get t_c units of
    h's own block. A dedicated output (a, b) gets one ReLU of its own,
    weight 1 on S_a ∪ S_b and bias -(2s-1), not clamped. Output neuron w adds
    c_u over the clamped units of V_w (the units of the outputs whose code
    holds w), plus t_c times each dedicated unit there, and fires iff the sum
    is at least t_c.

    No false negatives, for every input: a true output (a, b) puts
    |S_a ∪ S_b| + |S_a ∩ S_b| = 2s on each of its units, so p_u ≥ 1 and c_u = 1
    at all t_c of them (its dedicated unit is at least 1), and every neuron of
    its output code sees at least t_c.

    A dedicated unit is exact, for every input with at most k actives, when
    s > 2(k - 1) (proved): if a is active and b is not, a puts s on S_a ∪ S_b
    and each other active code, a line meeting S_a and S_b at most once each,
    at most 2, so p ≤ s + 2(k - 1) - (2s - 1) < 1; with neither active,
    p ≤ 2k - (2s - 1) < 1. So it is on only when its output is present, and
    then its weight t_c fires that output's own neurons whatever its value,
    which is why it needs no clamp.

    Parameters
    ----------
    pairs, n_inputs, k, seed
        As for :func:`superpos.one_layer.build_one_layer_and_network`.
    sizes : ThreeChannelSizes, optional
        From :func:`three_channel_sizes` for this instance; searched for
        ``failure_prob`` and ``guarantee`` when omitted.
    failure_prob : float
        Target bound on the probability of a wrong decision; given sizes must meet it.
    guarantee : {"every_input", "per_input"}
        What ``failure_prob`` bounds; given sizes must bound the same.
    enforce_bound : bool
        False lets given sizes void the guarantee; false negatives stay impossible.

    Examples
    --------
    >>> from superpos.families import star_pairs
    >>> pairs = star_pairs(40, 39, seed=0)
    >>> net = build_three_channel_and_network(pairs, 40, 2, failure_prob=1e-3)
    >>> len(net.layers), net.threshold
    (2, 1.0)
    """
    instance = as_and_instance(pairs, n_inputs)
    pairs, n_inputs = instance.pairs, instance.n_inputs
    k = check_int(k, "k", 1, n_inputs)
    failure_prob = check_probability(failure_prob, "failure_prob")
    guarantee = check_guarantee(guarantee)
    if sizes is None:
        sizes = three_channel_sizes(instance, n_inputs, k, failure_prob, guarantee=guarantee)
    elif not isinstance(sizes, ThreeChannelSizes):
        raise TypeError(f"sizes must be ThreeChannelSizes (from three_channel_sizes), got {type(sizes).__name__}")
    check_bound(sizes, failure_prob, guarantee, enforce_bound)
    s, t_c = sizes.code_size, sizes.compute_size
    if enforce_bound and len(sizes.dedicated_outputs) and s <= 2 * (k - 1):
        raise ValueError(f"dedicated units are exact detectors only for code size s > 2(k - 1) = {2 * (k - 1)}, "
                         f"got s = {s}; pass enforce_bound=False to build them anyway")
    input_codes = input_code_book(n_inputs, sizes.n_input_neurons, s, seed)
    output_codes = output_code_book(len(pairs), sizes.n_output_neurons, sizes.output_code_size, seed)
    units = compute_units(instance, n_inputs, sizes, seed)
    n_units = sizes.n_units
    groups = sp.csr_matrix((np.ones(2 * units.size, np.float32),
                            (np.concatenate([units.ravel(), units.ravel()]),
                             np.concatenate([np.repeat(pairs[:, 0], t_c), np.repeat(pairs[:, 1], t_c)]))),
                           shape=(n_units, n_inputs))
    compute = binary_support(groups @ input_codes)
    bias = np.full(n_units, -(2.0 * s - 1.0))
    if len(sizes.heavy_inputs):
        # A block unit is gated on its owner h: weight γ on S_h, 1 on the partners' codes, need γs + s, so
        # that active partners without h never switch it on (line codes put at most k on S_h then).
        gate = block_gate(s, k)
        block_units = np.arange(sizes.n_light_units, sizes.n_clamped_units)
        block_of_unit = np.searchsorted(np.cumsum(sizes.block_sizes), block_units - sizes.n_light_units, side="right")
        owners = sizes.heavy_inputs[block_of_unit]
        owner_codes = sp.csr_matrix((np.ones(owners.size, np.float32), (block_units, owners)),
                                    shape=(n_units, n_inputs)) @ input_codes
        compute = compute.maximum(gate * binary_support(owner_codes)).tocsr()
        bias[block_units] = -(gate * s + s - 1.0)
    # Clamped units are pairs of ReLUs; a dedicated unit is one ReLU, left unclamped (see below).
    clamped = sizes.n_clamped_units
    layer1 = (sp.vstack([compute[:clamped], compute[:clamped], compute[clamped:]]).tocsr(),
              np.concatenate([bias[:clamped], bias[:clamped] - 1.0, bias[clamped:]]))
    # Routing: V_w = units of the outputs whose code holds w; +1 on ReLU(p), -1 on ReLU(p - 1), and t_c on
    # a dedicated unit: it is on only when its output is present, and then it fires that output's neurons
    # alone, whatever value above 1 it takes.
    t = sizes.output_code_size
    out_rows = np.repeat(output_codes, t_c, axis=1).ravel()
    unit_cols = np.tile(units, (1, t)).ravel()
    routes = binary_support(sp.csr_matrix((np.ones(out_rows.size, np.float32), (out_rows, unit_cols)),
                                          shape=(sizes.n_output_neurons, n_units))).tocsc()
    layer2 = (sp.hstack([routes[:, :clamped], -routes[:, :clamped], float(t_c) * routes[:, clamped:]]).tocsr(),
              np.full(sizes.n_output_neurons, -(t_c - 1.0)))
    return Network(input_codes, [layer1, layer2], output_codes, 1.0,
                   name=f"three-channel AND (s={s}, t_c={t_c}, t={t}, {len(sizes.heavy_inputs)} blocks, "
                        f"{len(sizes.dedicated_outputs)} dedicated, "
                        f"{sizes.guarantee.replace('_', '-')} bound={sizes.failure_bound:.2g})")
