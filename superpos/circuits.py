r"""Circuits of several layers in superposition: each layer's output code is the next layer's input code.

A *circuit* on m input wires is a list of gates; gate g is wire m + g and
reads some earlier wires: an ``"and"`` is true iff all of them are, an
``"or"`` iff any is (an ``"or"`` of one wire is a copy). :class:`Circuit`
checks it once (known operations, wires that exist, no cycle) and gives each
wire its depth (0 for the inputs, one more than the deepest wire read).

The network computes one depth per layer, so the circuit must be *layered*
(a gate at depth d reads only wires of depth d − 1; a longer edge is carried
by copy gates) and each depth must be of one *need*: all its gates ANDs of
q wires (need q) or all ORs and copies (need 1). Depth d is then the gate
instance :meth:`Circuit.layer_instance` over the wires of depth d − 1, and
layer d of the network is the construction of :mod:`superpos.gates` whose
input code is the output code of layer d − 1 (:func:`build_circuit_network`).

Sparsity grows with depth
-------------------------
With k active inputs, an AND layer of q-input gates has at most
C(k, q) active gates (distinct gates have distinct input sets) and at most
⌊F_k/q⌋, F_k the sum of the k largest fan-outs of the wires below (each
active gate uses q of the active wires' reads); an OR layer at most F_k.
:meth:`Circuit.sparsity_bounds` chains these, k_d from k_{d−1}; every layer
is sized for the sparsity of its own input. For ANDs of pairs, k = 3 is a
fixed point (C(3, 2) = 3), while k = 4 gives up to 6, then 15.
:meth:`Circuit.exact_sparsity` finds the largest counts over every input
(small m).

Clean-up between layers
-----------------------
Layer d's neuron w is on (≥ 1) for the codes of the true gates and for the
*strays*: neurons of absent gates whose condition some other combination
of actives happens to meet. Its value ReLU(z_w − (a·s − 1)), a the gate's need, is an integer
that can exceed 1 (an AND neuron that sees three endpoint codes holds s + 1).
Fed to the next layer as they are (``cleanup="none"``), values above 1 count
several times: one true wire whose code neurons hold 2 puts 2t into a union,
enough for an AND of two, and errors grow with depth. The clamp
(``cleanup="clamp"``) replaces each neuron by the pair
ReLU(z) − ReLU(z − 1) = [z ≥ 1], exactly 0 or 1 (two ReLUs, the difference
folded into the next layer's weights), so the next layer sees the union of
the true codes plus the strays, each worth 1. The third mode,
``"decode"``, is not a network: it decodes every depth and re-encodes the
decoded wires exactly, the reference that per-layer certificates speak of
(:func:`errors_by_depth`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from math import comb

import numpy as np
import scipy.sparse as sp

from superpos.codes import code_book_seed, input_code_book, line_code_sizes, output_code_book
from superpos.gate_adversary import greedy_inputs, random_stored, redraw_candidates
from superpos.gates import GateInstance, gate_layer, gate_sizes
from superpos.inputs import all_input_sets, as_input_sets, count_input_sets, MAX_ENUMERATED_SETS
from superpos.network import Network
from superpos.one_layer import OneLayerSizes
from superpos.validation import check_int, check_probability, check_random_state

__all__ = ["CLEANUPS", "OPERATIONS", "Circuit", "CircuitNetwork", "DepthErrors", "adversarial_circuit_inputs",
           "and_of_ands", "build_circuit_network", "circuit_sizes", "codes_matrix", "errors_by_depth",
           "layered_circuit", "minimal_true_set", "planted_inputs", "stray_neurons"]

#: The gate operations a circuit may use.
OPERATIONS = ("and", "or")
#: How a layer's activations reach the next layer (see the module docstring).
CLEANUPS = ("none", "clamp")


@dataclass(frozen=True, eq=False)
class Circuit:
    """m input wires and a list of AND / OR gates; gate g is wire m + g.

    Parameters
    ----------
    n_inputs : int
        m, the input wires 0..m−1.
    gates : sequence of (operation, wires)
        ``operation`` is ``"and"`` or ``"or"``; ``wires`` the distinct wires it reads.

    Raises
    ------
    ValueError
        An unknown operation, a gate reading no wire, a wire read twice by one
        gate, a wire that does not exist, or gates that form a cycle.

    Examples
    --------
    >>> circuit = Circuit(3, [("and", [0, 1]), ("or", [1, 2]), ("and", [3, 4])])
    >>> circuit.depths.tolist(), circuit.depth
    ([0, 0, 0, 1, 1, 2], 2)
    >>> Circuit(2, [("and", [0, 3]), ("or", [2])])
    Traceback (most recent call last):
    ...
    ValueError: the gates form a cycle: gate 0 (wire 2) reads wire 3, gate 1 (wire 3) reads wire 2
    >>> Circuit(2, [("and", [0, 7])])
    Traceback (most recent call last):
    ...
    ValueError: gate 0 reads wire 7, which does not exist: the wires are the inputs 0..1 and the gates 2..2
    """

    n_inputs: int
    gates: tuple

    def __post_init__(self):
        m = check_int(self.n_inputs, "n_inputs", 1)
        if isinstance(self.gates, (str, bytes)) or not hasattr(self.gates, "__len__") or len(self.gates) == 0:
            raise ValueError("gates must be a non-empty list of (operation, wires) pairs")
        n_wires = m + len(self.gates)
        checked = []
        for g, gate in enumerate(self.gates):
            if not (isinstance(gate, (tuple, list)) and len(gate) == 2):
                raise ValueError(f"gate {g} must be a pair (operation, wires), got {gate!r}")
            operation, wires = gate
            if operation not in OPERATIONS:
                raise ValueError(f"gate {g} has operation {operation!r}; allowed: {OPERATIONS}")
            wires = np.asarray(wires)
            if wires.ndim != 1 or wires.size == 0 or not np.issubdtype(wires.dtype, np.integer):
                raise ValueError(f"gate {g} must read a non-empty list of integer wires, got {gate[1]!r}")
            for wire in wires.tolist():
                if not 0 <= wire < n_wires:
                    raise ValueError(f"gate {g} reads wire {wire}, which does not exist: the wires are the inputs "
                                     f"0..{m - 1} and the gates {m}..{n_wires - 1}")
            if np.unique(wires).size != wires.size:
                raise ValueError(f"gate {g} reads a wire twice: {wires.tolist()}")
            checked.append((operation, tuple(int(w) for w in wires)))
        object.__setattr__(self, "n_inputs", m)
        object.__setattr__(self, "gates", tuple(checked))
        self.depths  # noqa: B018 - finds cycles now

    @property
    def n_gates(self) -> int:
        """Number of gates."""
        return len(self.gates)

    @cached_property
    def depths(self) -> np.ndarray:
        """Depth of every wire (inputs 0; a gate one more than the deepest wire it reads)."""
        m = self.n_inputs
        depth = np.full(m + self.n_gates, -1, dtype=np.int64)
        depth[:m] = 0
        state = np.zeros(self.n_gates, dtype=np.int8)  # 0 new, 1 on the stack, 2 done
        for root in range(self.n_gates):
            if state[root]:
                continue
            stack = [(root, 0)]
            state[root] = 1
            while stack:
                gate, position = stack[-1]
                wires = self.gates[gate][1]
                if position < len(wires):
                    stack[-1] = (gate, position + 1)
                    wire = wires[position]
                    if wire < m:
                        continue
                    child = wire - m
                    if state[child] == 1:
                        cycle = [item for item, _ in stack]
                        cycle = cycle[cycle.index(child):]
                        steps = [f"gate {a} (wire {a + m}) reads wire {b + m}"
                                 for a, b in zip(cycle, cycle[1:] + cycle[:1])]
                        raise ValueError("the gates form a cycle: " + ", ".join(steps))
                    if state[child] == 0:
                        state[child] = 1
                        stack.append((child, 0))
                else:
                    depth[m + gate] = 1 + max(int(depth[w]) for w in wires)
                    state[gate] = 2
                    stack.pop()
        depth.flags.writeable = False
        return depth

    @property
    def depth(self) -> int:
        """The deepest gate's depth."""
        return int(self.depths.max())

    def wires_at(self, depth: int) -> np.ndarray:
        """The wires of one depth, in order (depth 0: every input)."""
        return np.flatnonzero(self.depths == depth)

    def need_of(self, gate: int) -> int:
        """Active inputs gate ``gate`` needs: all of them for an AND, one for an OR."""
        operation, wires = self.gates[gate]
        return len(wires) if operation == "and" else 1

    def check_layered(self, one_need: bool = True) -> None:
        """Refuse a circuit that is not layered, or (``one_need``) a depth with gates of different needs.

        Examples
        --------
        >>> Circuit(3, [("and", [0, 1]), ("and", [2, 3])]).check_layered()
        Traceback (most recent call last):
        ...
        ValueError: gate 1 (depth 2) reads wire 2 of depth 0; the construction computes one depth per layer, so a gate of depth d must read only wires of depth d - 1: carry wire 2 by copy gates ('or' of one wire)
        """
        for gate, (_, wires) in enumerate(self.gates):
            depth = self.depths[self.n_inputs + gate]
            for wire in wires:
                if self.depths[wire] != depth - 1:
                    raise ValueError(f"gate {gate} (depth {depth}) reads wire {wire} of depth {self.depths[wire]}; "
                                     "the construction computes one depth per layer, so a gate of depth d must read "
                                     f"only wires of depth d - 1: carry wire {wire} by copy gates ('or' of one wire)")
        for depth in range(1, self.depth + 1 if one_need else 1):
            gates = self.wires_at(depth) - self.n_inputs
            needs = sorted({self.need_of(int(g)) for g in gates})
            if len(needs) > 1:
                raise ValueError(f"depth {depth} mixes gates that need {needs} active inputs; one layer of the "
                                 "construction serves one need: put ANDs of different sizes and ORs at different "
                                 "depths")

    def layer_instance(self, depth: int) -> GateInstance:
        """Depth ``depth`` (≥ 1) as a gate instance over the wires of depth − 1 (in the order of ``wires_at``)."""
        depth = check_int(depth, "depth", 1, self.depth)
        below = self.wires_at(depth - 1)
        position = np.full(self.depths.size, -1, dtype=np.int64)
        position[below] = np.arange(below.size)
        gates = self.wires_at(depth) - self.n_inputs
        q = max(len(self.gates[g][1]) for g in gates)
        endpoints = np.full((gates.size, q), -1, dtype=np.int64)
        for row, gate in enumerate(gates):
            wires = position[list(self.gates[gate][1])]
            if np.any(wires < 0):
                self.check_layered(one_need=False)
            endpoints[row, :wires.size] = wires
        needs = np.array([self.need_of(int(g)) for g in gates])
        return GateInstance(endpoints, needs, below.size)

    def evaluate(self, inputs) -> list[sp.csr_matrix]:
        """The true value of every wire, one csr bool matrix (batch × wires of that depth) per depth.

        Examples
        --------
        >>> circuit = Circuit(3, [("and", [0, 1]), ("or", [1, 2]), ("and", [3, 4])])
        >>> [level.toarray().astype(int).tolist() for level in circuit.evaluate([[0, 1], [2]])]
        [[[1, 1, 0], [0, 0, 1]], [[1, 1], [0, 1]], [[1], [0]]]
        """
        self.check_layered(one_need=False)
        levels = [as_input_sets(inputs, self.n_inputs)]
        for depth in range(1, self.depth + 1):
            levels.append(self.layer_instance(depth).true_outputs(levels[-1]))
        return levels

    @cached_property
    def fan_outs(self) -> list[np.ndarray]:
        """Fan-out of every wire of depth d − 1 into depth d, for d = 1..depth."""
        self.check_layered(one_need=False)
        return [self.layer_instance(d).influence for d in range(1, self.depth + 1)]

    def sparsity_bounds(self, k: int) -> list[int]:
        """k_0 = k and the most active wires of each depth, chained: min(C(k, q), ⌊F_k/q⌋) for AND, F_k for OR.

        Examples
        --------
        >>> and_of_ands(30, 30, 3, seed=0, fan_out=2).sparsity_bounds(3)
        [3, 3, 3, 3]
        >>> layered_circuit(30, [30, 30], ["or", "and"], seed=0, fan_out=2).sparsity_bounds(2)
        [2, 4, 4]
        """
        k = check_int(k, "k", 1, self.n_inputs)
        bounds = [k]
        for depth in range(1, self.depth + 1):
            below = bounds[-1]
            top = int(np.sort(self.fan_outs[depth - 1])[::-1][:below].sum())
            instance = self.layer_instance(depth)
            need, q = instance.need, instance.q
            count = min(comb(below, q), top // q) if need == q and q > 1 else top // need
            bounds.append(max(0, min(count, instance.n_outputs)))
        return bounds

    def exact_sparsity(self, k: int) -> list[int]:
        """The most active wires of each depth over every input with at most k actives (enumerated).

        Examples
        --------
        >>> and_of_ands(12, 12, 2, seed=0, fan_out=2).exact_sparsity(3)[0]
        3
        """
        k = check_int(k, "k", 1, self.n_inputs)
        if count_input_sets(self.n_inputs, k) > MAX_ENUMERATED_SETS:
            raise ValueError(f"enumerating every input of at most k = {k} actives of m = {self.n_inputs} is more than "
                             f"{MAX_ENUMERATED_SETS} inputs")
        return [int(np.diff(level.indptr).max()) for level in self.evaluate(all_input_sets(self.n_inputs, k))]


def _gates_reading(rng: np.random.Generator, n_below: int, width: int, arity: int, fan_out: int | None,
                   first_wire: int) -> list[tuple]:
    """``width`` distinct sets of ``arity`` wires among ``n_below`` (numbered from ``first_wire``).

    Without ``fan_out`` the sets are uniform; with it, each wire is read at
    most ``fan_out`` times: a pool holding every wire ``fan_out`` times is
    shuffled and cut into sets, and shuffles are redrawn until ``width`` of
    the sets are distinct and free of repeats.
    """
    if arity > n_below:
        raise ValueError(f"a gate of {arity} wires needs at least {arity} wires below, got {n_below}")
    if fan_out is not None and width * arity > n_below * fan_out:
        raise ValueError(f"{width} gates of {arity} wires read {width * arity} wires, more than {n_below} wires "
                         f"with fan-out at most {fan_out} allow")
    if width > comb(n_below, arity):
        raise ValueError(f"there are only C({n_below}, {arity}) = {comb(n_below, arity)} distinct gates of "
                         f"{arity} wires")
    for _ in range(2000):
        if fan_out is None:
            rows = np.sort(np.argsort(rng.random((2 * width + 8, n_below)), axis=1)[:, :arity], axis=1) \
                if n_below <= 256 else np.sort(rng.integers(n_below, size=(2 * width + 8, arity)), axis=1)
        else:
            pool = rng.permutation(np.repeat(np.arange(n_below), fan_out))[:width * arity]
            rows = np.sort(pool.reshape(width, arity), axis=1)
        rows = rows[(np.diff(rows, axis=1) > 0).all(axis=1)]
        _, first = np.unique(rows, axis=0, return_index=True)
        rows = rows[np.sort(first)]
        if rows.shape[0] >= width:
            return [tuple(int(w) + first_wire for w in row) for row in rows[:width]]
    raise ValueError(f"could not draw {width} distinct gates of {arity} wires among {n_below} wires"
                     + (f" with fan-out at most {fan_out}" if fan_out is not None else ""))


def layered_circuit(n_inputs: int, widths, operations, arity: int = 2, seed: int = 0,
                    fan_out: int | None = None) -> Circuit:
    """A random layered circuit: ``widths[d-1]`` distinct gates ``operations[d-1]`` of ``arity`` wires of depth d − 1.

    Examples
    --------
    >>> circuit = layered_circuit(10, [8, 6], ["or", "and"], seed=1, fan_out=2)
    >>> circuit.depth, [op for op, _ in circuit.gates[7:9]]
    (2, ['or', 'and'])
    """
    n_inputs = check_int(n_inputs, "n_inputs", 1)
    widths = [check_int(int(w), "every width", 1) for w in widths]
    operations = list(operations)
    if len(operations) != len(widths) or any(op not in OPERATIONS for op in operations):
        raise ValueError(f"operations must list one of {OPERATIONS} per depth ({len(widths)}), got {operations!r}")
    arity = check_int(arity, "arity", 1)
    if fan_out is not None:
        fan_out = check_int(fan_out, "fan_out", 1)
    rng = check_random_state(seed)
    gates, first, below = [], 0, n_inputs
    for width, operation in zip(widths, operations):
        for wires in _gates_reading(rng, below, width, arity, fan_out, first):
            gates.append((operation, wires))
        first, below = n_inputs + len(gates) - width, width
    return Circuit(n_inputs, gates)


def and_of_ands(n_inputs: int, width: int, depth: int, seed: int = 0, fan_out: int | None = 2) -> Circuit:
    """A layered circuit of ``depth`` layers of ``width`` ANDs of two wires of the layer below.

    Examples
    --------
    >>> and_of_ands(10, 10, 3, seed=0).depth
    3
    """
    return layered_circuit(n_inputs, [width] * check_int(depth, "depth", 1), ["and"] * depth, 2, seed, fan_out)


def minimal_true_set(circuit: Circuit, wire: int, rng: np.random.Generator) -> set:
    """A minimal input set making ``wire`` true: itself (input), its children's union (AND), one random child's (OR).

    Examples
    --------
    >>> circuit = Circuit(4, [("and", [0, 1]), ("or", [1, 2]), ("and", [4, 5])])
    >>> sorted(minimal_true_set(circuit, 6, np.random.default_rng(0))) in ([0, 1], [0, 1, 2])
    True
    """
    m = circuit.n_inputs
    if wire < m:
        return {int(wire)}
    operation, wires = circuit.gates[wire - m]
    if operation == "and":
        return set().union(*(minimal_true_set(circuit, w, rng) for w in wires))
    return minimal_true_set(circuit, wires[int(rng.integers(len(wires)))], rng)


def planted_inputs(circuit: Circuit, k: int, n_samples: int, seed: int = 0) -> sp.csr_matrix:
    """Inputs that make a random gate of the last depth true: a minimal true set of its inputs, padded to k.

    Gates whose minimal true set (:func:`minimal_true_set`) holds more than k
    inputs are redrawn; after 50 tries the input is left random.

    Examples
    --------
    >>> circuit = Circuit(4, [("and", [0, 1]), ("and", [1, 2]), ("and", [4, 5])])
    >>> planted_inputs(circuit, 3, 2, seed=0).toarray().astype(int).tolist()
    [[1, 1, 1, 0], [1, 1, 1, 0]]
    """
    k = check_int(k, "k", 1, circuit.n_inputs)
    n_samples = check_int(n_samples, "n_samples", 1)
    rng = check_random_state(seed)
    last = circuit.wires_at(circuit.depth)
    m = circuit.n_inputs
    rows = []
    for _ in range(n_samples):
        chosen = set()
        for _ in range(50):
            chosen = minimal_true_set(circuit, int(rng.choice(last)), rng)
            if len(chosen) <= k:
                break
        if len(chosen) > k:
            chosen = set()
        others = [int(i) for i in rng.permutation(m)[:k + len(chosen)] if int(i) not in chosen]
        rows.append(sorted(chosen | set(others[:k - len(chosen)])))
    return as_input_sets(rows, m, k=k)


# ----------------------------------------------------------------------------- the network
def codes_matrix(codes: np.ndarray, n_neurons: int) -> sp.csr_matrix:
    """The 0/1 csr matrix (items × neurons) of an array of codes (one row of neuron indices per item).

    Examples
    --------
    >>> codes_matrix(np.array([[0, 2], [1, 2]]), 3).toarray().tolist()
    [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    """
    codes = np.asarray(codes, dtype=np.int64)
    if codes.ndim != 2 or codes.size == 0 or codes.min() < 0 or codes.max() >= n_neurons:
        raise ValueError(f"codes must be a 2-D array of neuron indices in [0, {n_neurons})")
    n_items, size = codes.shape
    return sp.csr_matrix((np.ones(codes.size), codes.ravel(), np.arange(0, codes.size + 1, size)),
                         shape=(n_items, n_neurons))


@dataclass(eq=False)
class CircuitNetwork:
    """A circuit's network and what the checks need: the code of every depth and every layer on its own.

    Attributes
    ----------
    circuit : Circuit
    network : Network
        The whole network; its output codes are those of the last depth.
    cleanup : str
        ``"none"`` or ``"clamp"`` (see the module docstring).
    sizes : list of OneLayerSizes
        Layer d's input code (s, q_in) is depth d − 1's code, its output code (t, q_out) depth d's.
    sparsity : list of int
        k_0 = k and the sparsity bound of every depth (what layer d + 1 is sized for).
    codes : list of int arrays
        codes[d]: the code of every wire of depth d (neurons of channel d).
    """

    circuit: Circuit
    network: Network
    cleanup: str
    sizes: list
    sparsity: list
    codes: list
    _layers: dict = field(default_factory=dict, repr=False)

    @property
    def n_neurons(self) -> int:
        """Neurons of the network, every layer counted (the two ReLUs of a clamp both count)."""
        return self.network.n_neurons

    def channel_width(self, depth: int) -> int:
        """Neurons of the code of depth ``depth`` (the input channel for depth 0)."""
        depth = check_int(depth, "depth", 0, self.circuit.depth)
        return self.sizes[0].n_input_neurons if depth == 0 else self.sizes[depth - 1].n_output_neurons

    def decode(self, depth: int, activation: sp.csr_matrix) -> sp.csr_matrix:
        """The wires of depth ``depth`` read from that layer's activations (batch × width): every code neuron ≥ 1.

        A clamped layer holds ReLU(z) in its first rows and ReLU(z − 1) after them;
        the first rows are ≥ 1 exactly where the clamp is 1.
        """
        width = self.channel_width(depth)
        on = (activation.tocsr()[:, :width] >= 1).astype(bool)
        reader = Network(sp.identity(width, format="csr"), [], self.codes[depth], 1.0)
        return reader.compute(on)

    def layer_network(self, depth: int) -> Network:
        """Layer ``depth`` alone, on exact input codes: the network a per-layer certificate decides."""
        depth = check_int(depth, "depth", 1, self.circuit.depth)
        if depth not in self._layers:
            self._layers[depth] = self._layer_network(depth)
        return self._layers[depth]

    def _layer_network(self, depth: int) -> Network:
        codes = codes_matrix(self.codes[depth - 1], self.channel_width(depth - 1))
        instance = self.circuit.layer_instance(depth)
        weights, bias = gate_layer(instance, codes, self.codes[depth], self.sizes[depth - 1].n_output_neurons,
                                   union=depth > 1)
        return Network(codes, [(weights, bias)], self.codes[depth], 1.0, name=f"layer {depth}")

    def depth_network(self, depth: int) -> Network:
        """The network up to depth ``depth``, decoded with depth ``depth``'s codes."""
        depth = check_int(depth, "depth", 1, self.circuit.depth)
        return Network(self.network.input_codes, self.network.layers[:depth], self.codes[depth], 1.0,
                       name=f"{self.cleanup}, to depth {depth}")


def circuit_sizes(circuit: Circuit, k: int, failure_prob: float = 1e-6, *, sparsity=None,
                  output_code_sizes=None) -> list[OneLayerSizes]:
    """Sizes of every layer: layer 1 searched whole, layer d ≥ 2 with its input code fixed to depth d − 1's.

    Layer d is sized by the heuristic bound :func:`superpos.gates.gate_failure_bound`
    for its own input sparsity k_{d−1} (``sparsity``, by default
    :meth:`Circuit.sparsity_bounds`) and failure probability
    ``failure_prob``/depth, so the layers' bounds add up to ``failure_prob``.

    Examples
    --------
    >>> sizes = circuit_sizes(and_of_ands(60, 60, 2, seed=0), 3, 1e-3)
    >>> sizes[1].code_size == sizes[0].output_code_size, sizes[1].q_in == sizes[0].q_out
    (True, True)
    """
    circuit.check_layered()
    failure_prob = check_probability(failure_prob, "failure_prob")
    sparsity = circuit.sparsity_bounds(k) if sparsity is None else [int(v) for v in sparsity]
    share = failure_prob / circuit.depth
    sizes = []
    for depth in range(1, circuit.depth + 1):
        instance = circuit.layer_instance(depth)
        actives = max(1, min(sparsity[depth - 1], instance.n_inputs))
        if actives < instance.need:
            raise ValueError(f"depth {depth} needs {instance.need} active wires but at most {actives} can be active: "
                             "its gates are never true")
        search = {} if output_code_sizes is None else {"output_code_sizes": output_code_sizes}
        if depth == 1:
            found = gate_sizes(instance, actives, share, **search)
        else:
            previous = sizes[-1]
            found = gate_sizes(instance, actives, share, code_sizes=[previous.output_code_size],
                               q_in_values=[previous.q_out], union=True, **search)
        sizes.append(found)
    return sizes


def build_circuit_network(circuit: Circuit, k: int, seed: int = 0, *, cleanup: str = "clamp", sizes=None,
                          failure_prob: float = 1e-6) -> CircuitNetwork:
    """Build the network of a layered circuit: one layer of the gate construction per depth.

    Parameters
    ----------
    circuit : Circuit
        Layered, one need per depth (:meth:`Circuit.check_layered`).
    k : int
        The most active inputs; deeper layers are sized for :meth:`Circuit.sparsity_bounds`.
    seed : int
        Seed of every code book (the input code and one output code per depth).
    cleanup : {"clamp", "none"}
        Clamp pairs between layers, or the raw ReLU values.
    sizes : list of OneLayerSizes, optional
        One per layer (layer d's input code must be layer d − 1's output code);
        :func:`circuit_sizes` by default.

    Examples
    --------
    >>> circuit = Circuit(4, [("and", [0, 1]), ("and", [1, 2]), ("and", [4, 5])])
    >>> built = build_circuit_network(circuit, 3, cleanup="clamp", sizes=[OneLayerSizes(3, 5, 3, 5, 1.0),
    ...                                                                   OneLayerSizes(3, 5, 3, 5, 1.0)])
    >>> built.network.widths, built.network.compute([[0, 1, 2], [0, 1, 3]]).toarray().ravel().tolist()
    ([15, 30, 15], [True, False])
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"circuit must be a Circuit, got {type(circuit).__name__}")
    if cleanup not in CLEANUPS:
        raise ValueError(f"cleanup must be one of {CLEANUPS}, got {cleanup!r}")
    circuit.check_layered()
    k = check_int(k, "k", 1, circuit.n_inputs)
    sparsity = circuit.sparsity_bounds(k)
    if sizes is None:
        sizes = circuit_sizes(circuit, k, failure_prob, sparsity=sparsity)
    sizes = list(sizes)
    if len(sizes) != circuit.depth or not all(isinstance(s, OneLayerSizes) for s in sizes):
        raise ValueError(f"sizes must hold one OneLayerSizes per layer ({circuit.depth})")
    for depth in range(1, circuit.depth):
        if (sizes[depth].code_size, sizes[depth].q_in) != (sizes[depth - 1].output_code_size, sizes[depth - 1].q_out):
            raise ValueError(f"layer {depth + 1}'s input code (s = {sizes[depth].code_size}, q_in = "
                             f"{sizes[depth].q_in}) must be layer {depth}'s output code (t = "
                             f"{sizes[depth - 1].output_code_size}, q_out = {sizes[depth - 1].q_out})")
    input_codes = input_code_book(circuit.n_inputs, sizes[0].n_input_neurons, sizes[0].code_size, seed)
    codes = [input_codes.indices.reshape(circuit.n_inputs, sizes[0].code_size)]
    layers, below = [], input_codes
    for depth in range(1, circuit.depth + 1):
        size = sizes[depth - 1]
        wires = circuit.wires_at(depth).size
        line_code_sizes(wires, size.n_output_neurons, size.output_code_size, "output")
        out = output_code_book(wires, size.n_output_neurons, size.output_code_size, code_book_seed(seed, 16 + depth))
        weights, bias = gate_layer(circuit.layer_instance(depth), below, out, size.n_output_neurons,
                                   union=depth > 1)
        codes.append(out)
        layers.append((weights, bias))
        below = codes_matrix(out, size.n_output_neurons)
    if cleanup == "clamp":
        clamped = []
        for depth, (weights, bias) in enumerate(layers):
            if depth > 0:  # read the clamp c = ReLU(z) − ReLU(z − 1) of the layer below
                weights = sp.hstack([weights, -weights]).tocsr()
            if depth < len(layers) - 1:
                weights, bias = sp.vstack([weights, weights]).tocsr(), np.concatenate([bias, bias - 1])
            clamped.append((weights, bias))
        layers = clamped
    network = Network(input_codes, layers, codes[-1], 1.0,
                      name=f"circuit of depth {circuit.depth} ({cleanup})")
    return CircuitNetwork(circuit, network, cleanup, sizes, sparsity, codes)


@dataclass(frozen=True)
class DepthErrors:
    """Wrong decisions at every depth of a circuit on one batch of inputs.

    Examples
    --------
    >>> DepthErrors("clamp", (10, 10), (2, 0), (0, 0)).wrong
    (2, 0)
    """

    mode: str  #: "none", "clamp" or "decode"
    decisions: tuple  #: decisions at depth 1..D (inputs × wires of the depth)
    false_positives: tuple
    false_negatives: tuple

    @property
    def wrong(self) -> tuple:
        """False positives plus false negatives, per depth."""
        return tuple(p + n for p, n in zip(self.false_positives, self.false_negatives))


def _compare(decoded: sp.csr_matrix, truth: sp.csr_matrix) -> tuple[int, int]:
    difference = decoded.astype(np.int8) - truth.astype(np.int8)
    return int(np.count_nonzero(difference.data > 0)), int(np.count_nonzero(difference.data < 0))


def errors_by_depth(built: CircuitNetwork, inputs, mode: str | None = None) -> DepthErrors:
    """Count wrong decisions at every depth: of the network (its own clean-up), or with exact re-encoding.

    ``mode=None`` runs ``built.network`` and decodes every depth from its
    activations; ``mode="decode"`` runs each layer on its own
    (:meth:`CircuitNetwork.layer_network`), feeding it the exact code of the
    wires the layer below *decoded*: the errors a chain of per-layer
    decisions makes, with no strays passed on.

    Examples
    --------
    >>> built = build_circuit_network(and_of_ands(40, 40, 2, seed=0), 3, failure_prob=1e-3)
    >>> errors_by_depth(built, [[0, 1, 2]]).wrong
    (0, 0)
    """
    circuit = built.circuit
    matrix = as_input_sets(inputs, circuit.n_inputs)
    truth = circuit.evaluate(matrix)
    positives, negatives, decisions = [], [], []
    decoded = matrix
    if mode not in (None, "decode"):
        raise ValueError(f"mode must be None (the network) or 'decode', got {mode!r}")
    activations = built.network.forward(matrix, sparse=True) if mode is None else None
    for depth in range(1, circuit.depth + 1):
        if mode == "decode":
            decoded = built.layer_network(depth).compute(decoded)
        else:
            decoded = built.decode(depth, activations[depth])
        p, n = _compare(decoded, truth[depth])
        positives.append(p)
        negatives.append(n)
        decisions.append(matrix.shape[0] * truth[depth].shape[1])
    return DepthErrors(mode or built.cleanup, tuple(decisions), tuple(positives), tuple(negatives))


def adversarial_circuit_inputs(built: CircuitNetwork, k: int, n_targets: int, seed: int = 0, n_candidates: int = 48,
                               chunk: int = 128) -> sp.csr_matrix:
    """k-sparse inputs, each searched greedily to switch on an absent gate of the last depth.

    The search is :func:`superpos.gate_adversary.greedy_inputs`.

    The start is a minimal true set of the target (:func:`minimal_true_set`) less
    one member, cut to k − 1; candidates come, a quarter each, from the inputs
    below the target (its cone), the inputs below the gates whose codes share a
    neuron with the target's, inputs whose codes share a neuron with a cone
    input's, and uniform random inputs; a candidate that would make the target
    true is never kept while another is left.

    Examples
    --------
    >>> built = build_circuit_network(and_of_ands(40, 40, 2, seed=0), 3, failure_prob=1e-3)
    >>> inputs = adversarial_circuit_inputs(built, 3, 4)
    >>> inputs.shape, built.circuit.evaluate(inputs)[-1].nnz
    ((4, 40), 0)
    """
    circuit, network = built.circuit, built.network
    k = check_int(k, "k", 1, circuit.n_inputs)
    n_targets = check_int(n_targets, "n_targets", 1)
    rng = check_random_state(seed)
    m, depth = circuit.n_inputs, circuit.depth
    last = circuit.wires_at(depth)
    targets = rng.choice(last.size, size=n_targets, replace=n_targets > last.size)
    reach = sp.identity(m, format="csr")
    for d in range(1, depth + 1):
        reach = (reach @ circuit.layer_instance(d).incidence).tocsr()
        reach.data[:] = 1.0
    cone = reach.T.tocsr()                                          # last-depth wire × inputs below it
    start = np.full((n_targets, max(k - 1, 0)), -1, dtype=np.int64)
    for row, target in enumerate(targets):
        members = sorted(minimal_true_set(circuit, int(last[target]), rng))
        members = [members[i] for i in rng.permutation(len(members))][:max(len(members) - 1, 0)][:k - 1]
        start[row, :len(members)] = members
    width = start.shape[1] if np.all(start >= 0) else int((start >= 0).sum(axis=1).min())
    start = np.sort(start, axis=1)[:, ::-1][:, :width]             # the same number of members per target
    t = built.codes[-1].shape[1]
    serves = sp.csr_matrix((np.ones(built.codes[-1].size), (built.codes[-1].ravel(),
                                                             np.repeat(np.arange(last.size), t))),
                           shape=(built.channel_width(depth), last.size))
    codes, holders = network.input_codes, network.input_codes.T.tocsr()

    def draw(positions, active, n_candidates, rng):
        size = positions.size
        flat = np.repeat(positions, n_candidates)
        kind = np.tile(np.arange(n_candidates) % 4, size)
        leaf = random_stored(cone, targets[flat], rng)
        neuron = built.codes[-1][targets[flat], rng.integers(t, size=flat.size)]
        member = random_stored(cone, np.maximum(random_stored(serves, neuron, rng), 0), rng)
        lookalike = random_stored(holders, np.maximum(random_stored(codes, np.maximum(leaf, 0), rng), 0), rng)
        candidates = rng.integers(m, size=flat.size)
        candidates = np.where(kind == 0, leaf, candidates)
        candidates = np.where(kind == 1, member, candidates)
        candidates = np.where(kind == 2, lookalike, candidates)
        return redraw_candidates(candidates.reshape(size, n_candidates), active, m, rng)

    def admissible(positions, active, candidates):
        rows = np.concatenate([np.repeat(active, candidates.shape[1], axis=0), candidates.reshape(-1, 1)], axis=1)
        truth = circuit.evaluate(as_input_sets(rows, m))[-1]
        hit = np.asarray(truth[np.arange(rows.shape[0]), np.repeat(targets[positions], candidates.shape[1])]).ravel()
        return ~hit.reshape(candidates.shape)

    return greedy_inputs(network, targets, start, k, draw, admissible, seed=rng, n_candidates=n_candidates,
                         chunk=chunk)


def stray_neurons(built: CircuitNetwork, inputs) -> list[np.ndarray]:
    """Per depth, the number of on neurons (≥ 1) outside the codes of the true wires, for each input.

    These are what a per-layer certificate does not cover: the next layer sees
    them on top of the true codes.

    Examples
    --------
    >>> built = build_circuit_network(and_of_ands(40, 40, 2, seed=0), 3, failure_prob=1e-3)
    >>> [counts.tolist() for counts in stray_neurons(built, [[0, 1, 2], []])]   # strays at depth 1, none at 2
    [[7, 0], [0, 0]]
    """
    circuit = built.circuit
    matrix = as_input_sets(inputs, circuit.n_inputs)
    truth = circuit.evaluate(matrix)
    activations = built.network.forward(matrix, sparse=True)
    counts = []
    for depth in range(1, circuit.depth + 1):
        width = built.channel_width(depth)
        layer = activations[depth].tocsr()[:, :width]      # the first rows of a clamped layer are ReLU(z)
        on = (layer >= 1).astype(np.int8).tocsr()
        true_codes = (truth[depth].astype(np.float32) @ codes_matrix(built.codes[depth], width)).tocsr()
        true_codes.data[:] = 1
        stray = sp.csr_matrix(on - on.multiply(true_codes))
        stray.eliminate_zeros()
        counts.append(np.asarray(stray.getnnz(axis=1), dtype=np.int64))
    return counts
