"""The construction chapter's experiments: every family verified, neurons against m', the phase transition.

The construction itself lives in :mod:`superpos.codes` (the fixed channels),
:mod:`superpos.one_layer`, :mod:`superpos.three_channel`, :mod:`superpos.decoded` (the three layouts) and
:mod:`superpos.layout` (the choice between them); the checks in
:mod:`superpos.verify`. This module runs them the way the chapter reports them:

* :func:`verify_families`: every input with at most k actives on small
  instances of every family, in all three layouts, then random and adversarial
  inputs on larger ones;
* :func:`construction_neurons_curve`: neurons and parameters of the networks
  built for a range of m';
* :func:`certify_families`: the exact certificate (:mod:`superpos.certificate`)
  on the network built for every family: every input with at most k actives;
* :func:`certified_against_bound`: neurons of the network the every-input
  bound sizes against the smallest one the certificate passes
  (:mod:`superpos.certified_sizing`);
* :func:`phase_transition`: wrong decisions of one-layer networks shrunk below
  the size their bound chooses, on random and adversarial inputs and, exactly,
  over every input.

Small instances are smaller as one neuron per AND, and
:func:`superpos.layout.build_and_network` would build that baseline; these
drivers build the construction's own layout instead (its
:class:`~superpos.layout.LargerThanNaiveWarning` silenced) and report the
baseline's neurons beside it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from math import comb, isqrt, log2, sqrt

import numpy as np

from superpos.codes import next_prime
from superpos.families import FAMILIES, default_n_inputs, make_pairs
from superpos.instance import as_and_instance
from superpos.certificate import certify
from superpos.certified_sizing import certified_one_layer
from superpos.layout import LargerThanNaiveWarning, build_and_network, choose_layout, naive_n_neurons
from superpos.three_channel import every_output_dedicated, three_channel_sizes
from superpos.one_layer import (OneLayerSizes, build_one_layer_and_network, one_layer_sizes,
                                one_layer_sizes_for_widths)
from superpos.validation import check_int
from superpos.adversary import verify_adversarial
from superpos.verify import verify_exhaustive, verify_random

__all__ = ["CERTIFIED", "CURVE_COLUMNS", "HEURISTIC", "PHASE_BATCH", "PROVED_EXACT", "WRONG", "PhaseTransition",
           "certified_against_bound", "certify_families", "construction_network", "construction_neurons_curve",
           "curves_table", "phase_transition", "sizing_curves", "verify_families"]


def construction_network(pairs, n_inputs: int, k: int, seed: int = 0, failure_prob: float = 1e-6,
                         guarantee: str = "every_input", layout: str = "auto", dedicate: bool = True):
    """The construction's own network for an instance, even where one neuron per AND is smaller.

    ``layout="auto"`` sizes the layouts (:func:`superpos.layout.choose_layout`)
    and builds the smallest; unlike :func:`superpos.layout.build_and_network` it
    never substitutes the baseline, and it does not warn (callers report the
    baseline, :func:`superpos.layout.naive_n_neurons`, beside it).
    ``dedicate=False`` passes on to :func:`superpos.layout.choose_layout`.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> net = construction_network(uniform_pairs(100, 100, seed=0), 100, 2, failure_prob=1e-3)
    >>> len(net.layers), net.n_neurons < naive_n_neurons(100, 100)   # few pairs: one ReLU per AND in the middle
    (2, True)
    """
    return _network_and_sizes(pairs, n_inputs, k, seed, failure_prob, guarantee, layout, dedicate)[0]


def _network_and_sizes(pairs, n_inputs, k, seed, failure_prob, guarantee, layout, dedicate=True):
    """:func:`construction_network` and the sizes it chose (None unless ``layout="auto"``)."""
    instance = as_and_instance(pairs, n_inputs)
    sizes = None
    if layout == "auto":
        layout, sizes = choose_layout(instance, instance.n_inputs, k, failure_prob, guarantee, seed, dedicate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LargerThanNaiveWarning)
        return build_and_network(instance, instance.n_inputs, k, seed, sizes=sizes, failure_prob=failure_prob,
                                 guarantee=guarantee, layout=layout), sizes


#: What the construction chapter's tables say of a network: exact on every input by proof (every output
#: dedicated, :mod:`superpos.three_channel`), decided on every input, sized by a bound and checked on sampled
#: inputs, or found wrong.
PROVED_EXACT, CERTIFIED, HEURISTIC, WRONG = "proved", "certified", "heuristic bound", "wrong on some input"


def construction_neurons_curve(n_outputs_values, k: int = 3, seed: int = 0, family: str = "uniform",
                               failure_prob: float = 1e-6, guarantee: str = "every_input", *,
                               certify_one_layer_max: int = 0, certify_two_layer_max: int = 0,
                               certify_decoded_max: int = 0,
                               random_samples: int = 0, adversarial_targets: int = 0,
                               n_jobs: int = 1) -> dict[str, np.ndarray]:
    """Neurons and parameters of the construction built for each m', with where the neurons sit and what holds.

    Builds the network for every m' in ``n_outputs_values`` with pairs of the
    given family (seeded; m from :func:`superpos.families.default_n_inputs`) in
    the layout :func:`construction_network` chooses, so the counts are those
    of real networks, not formulas. One-layer networks with m' ≤
    ``certify_one_layer_max`` and two-layer ones with m' ≤
    ``certify_two_layer_max`` and decoded ones (three layers) with m' ≤
    ``certify_decoded_max`` are decided on every input by
    :func:`superpos.certificate.certify`; the others are checked on
    ``random_samples`` random and ``adversarial_targets`` adversarial inputs
    (seeds ``seed + 1`` and ``seed + 2``). A network found wrong is reported,
    not hidden: its ``guarantee`` says so.

    Returns
    -------
    dict of arrays, one entry per m':
        ``n_outputs``, ``n_inputs``; ``n_neurons``, ``n_params``, ``n_bits``,
        ``bits_per_param``; ``n_layers`` (1: one layer, 2: three channels, 3: decoded);
        ``layout``: ``"one_layer"``, ``"three_channel"``, ``"decoded"`` or
        ``"dedicated"`` (three channels with every output dedicated: one ReLU
        per AND between the two channels);
        the neurons of the ``input_width`` (input channel), ``compute_width``
        (the layers between: clamped compute units, or the decode layer and the units; 0 for one
        layer) and ``output_width``
        (output channel); ``naive_neurons`` = m + m', one neuron per AND;
        ``guarantee``: ``"certified"`` (every input decided), ``"proved"``
        (every output dedicated: exact on every input by
        :func:`superpos.three_channel.build_three_channel_and_network`'s lemma,
        and checked on the random and adversarial inputs), ``"heuristic
        bound"`` (checked on the random and adversarial inputs without a wrong
        decision) or ``"wrong on some input"``; ``wrong``: wrong outputs found
        by the certificate, or wrong decisions on the random and adversarial
        inputs; ``checked_inputs``: the inputs decided (all of them when
        certified); ``certificate_seconds`` (0 when not certified).

    Examples
    --------
    >>> curve = construction_neurons_curve([30, 60], k=2, failure_prob=1e-3, certify_two_layer_max=60)
    >>> curve["n_outputs"].tolist(), bool(curve["n_neurons"][1] > curve["n_neurons"][0]), curve["guarantee"].tolist()
    ([30, 60], True, ['certified', 'certified'])
    """
    n_outputs = np.asarray([check_int(v, "n_outputs_values entries", 2) for v in n_outputs_values], dtype=np.int64)
    certify_one_layer_max = check_int(certify_one_layer_max, "certify_one_layer_max", 0)
    certify_two_layer_max = check_int(certify_two_layer_max, "certify_two_layer_max", 0)
    certify_decoded_max = check_int(certify_decoded_max, "certify_decoded_max", 0)
    keys = ("n_inputs", "n_neurons", "n_params", "n_bits", "bits_per_param", "n_layers", "input_width",
            "compute_width", "output_width", "naive_neurons")
    rows, guarantees, seconds, wrong, checked, layouts = [], [], [], [], [], []
    for value in n_outputs:
        n_inputs = default_n_inputs(family, int(value))
        pairs = as_and_instance(make_pairs(family, n_inputs, int(value), seed=seed), n_inputs)
        net, sizes = _network_and_sizes(pairs, n_inputs, k, seed, failure_prob, guarantee, "auto")
        layouts.append(_layout_name(net, sizes, k))
        widths = net.widths
        rows.append((n_inputs, net.n_neurons, net.n_params, net.n_bits, net.bits_per_param, len(net.layers),
                     widths[0], sum(widths[1:-1]), widths[-1], naive_n_neurons(n_inputs, int(value))))
        limit = {1: certify_one_layer_max, 2: certify_two_layer_max, 3: certify_decoded_max}[len(net.layers)]
        if value <= limit:
            verdict = certify(net, pairs, k, max_witnesses=1, n_jobs=n_jobs)
            found = verdict.false_positives + verdict.false_negatives
            decided, spent = verdict.n_input_sets, verdict.seconds
            status = CERTIFIED
        else:
            counts = [verify_random(net, pairs, k, random_samples, seed=seed + 1)] if random_samples else []
            if adversarial_targets:
                counts.append(verify_adversarial(net, pairs, k, adversarial_targets, seed=seed + 2))
            found, decided, spent = sum(c.wrong for c in counts), sum(c.n_input_sets for c in counts), 0.0
            status = PROVED_EXACT if every_output_dedicated(sizes, k) else HEURISTIC
        guarantees.append(WRONG if found else status)
        wrong.append(found)
        checked.append(decided)
        seconds.append(spent)
    table = np.asarray(rows, dtype=np.int64).reshape(-1, len(keys))
    return {"n_outputs": n_outputs, **{key: table[:, j] for j, key in enumerate(keys)},
            "layout": np.array(layouts, dtype=str),
            "guarantee": np.array(guarantees, dtype=str), "wrong": np.array(wrong, dtype=np.int64),
            "checked_inputs": np.array(checked, dtype=np.float64),
            "certificate_seconds": np.array(seconds, dtype=float)}


#: The columns of the table the construction chapter saves for the gap chapter (``construction-curves``).
CURVE_COLUMNS = ("family", "n_outputs", "n_inputs", "n_neurons", "n_params", "bits_per_param", "n_layers",
                 "naive_neurons", "guarantee")


def curves_table(curves: dict) -> dict[str, np.ndarray]:
    """One table of every family's networks, in the columns ``CURVE_COLUMNS``, for :func:`superpos.results.save_results`.

    Examples
    --------
    >>> curve = construction_neurons_curve([30], k=2, failure_prob=1e-3)
    >>> table = curves_table({"uniform": curve})
    >>> list(table) == list(CURVE_COLUMNS), table["family"].tolist(), table["guarantee"].tolist()
    (True, ['uniform'], ['proved'])
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of family -> construction_neurons_curve(...)")
    parts = {column: [] for column in CURVE_COLUMNS}
    for family, curve in curves.items():
        parts["family"].append(np.full(len(curve["n_outputs"]), family))
        for column in CURVE_COLUMNS[1:]:
            parts[column].append(np.asarray(curve[column]))
    return {column: np.concatenate(values) for column, values in parts.items()}


def sizing_curves(n_outputs_values, k: int = 3, failure_prob: float = 1e-6, influence: float = 2.0) -> dict:
    """Neurons the proved bound and the heuristic bound ask for, up to any m', and the lower bound.

    For an instance with m = m' inputs of influence ``influence`` each (2 for
    m' pairs on m' features, like uniform pairs), from the influence
    histogram alone (:func:`superpos.union_bound.influence_spoiler_counts`),
    so m' can be far beyond what can be built: the proved sizes
    (:func:`superpos.one_layer.proved_sizes`, independent codes) and the
    heuristic every-input sizes (:func:`superpos.one_layer.line_code_sizes_for_events`,
    line codes), both one layer at one bit per parameter, beside the counting
    lower bound on neurons over all layers at one bit
    (:func:`superpos.bounds.min_total_neurons`).

    Returns
    -------
    dict of arrays, one entry per m':
        ``n_outputs``; ``proved_neurons``, ``proved_s``, ``proved_t``;
        ``heuristic_neurons``, ``heuristic_s``, ``heuristic_t``;
        ``lower_bound``; and the ratios ``proved_ratio``, ``heuristic_ratio``,
        ``lower_ratio`` to √(m' log₂ m').

    Examples
    --------
    >>> curve = sizing_curves([10**4])
    >>> int(curve["proved_neurons"][0]) > int(curve["heuristic_neurons"][0]) > int(curve["lower_bound"][0])
    True
    """
    from superpos.bounds import min_total_neurons
    from superpos.one_layer import line_code_sizes_for_events, proved_sizes
    from superpos.union_bound import influence_spoiler_counts

    rows = []
    for value in n_outputs_values:
        m_out = check_int(value, "n_outputs_values entries", 16)
        events = influence_spoiler_counts([float(influence)], [float(m_out)], m_out, k)
        proved = proved_sizes(events, m_out, k, failure_prob, code_sizes=range(2, 400))
        heuristic = line_code_sizes_for_events(events, m_out, m_out, k, failure_prob)
        lower = int(min_total_neurons("and", m_out, m_in=m_out, bits_per_param=1))
        rows.append((m_out, proved.n_neurons, proved.code_size, proved.output_code_size, heuristic.n_neurons,
                     heuristic.code_size, heuristic.output_code_size, lower))
    table = np.array(rows, dtype=np.int64).reshape(-1, 8)
    keys = ("n_outputs", "proved_neurons", "proved_s", "proved_t", "heuristic_neurons", "heuristic_s", "heuristic_t",
            "lower_bound")
    out = {key: table[:, j] for j, key in enumerate(keys)}
    scale = np.sqrt(out["n_outputs"] * np.log2(out["n_outputs"].astype(float)))
    for key in ("proved", "heuristic", "lower"):
        out[f"{key}_ratio"] = out[f"{key}_neurons" if key != "lower" else "lower_bound"] / scale
    return out


def verify_families(k: int, exhaustive_m: int, scale_m_out: int, random_samples: int, adversarial_targets: int,
                    seed: int = 0, families=FAMILIES, failure_prob: float = 1e-6) -> list[dict]:
    """Build the networks of every family and count their wrong decisions.

    For each family: every input with at most ``k`` active features on a small
    instance of ``exhaustive_m`` inputs, in every layout (one layer, three
    channels and decoded, whichever would be chosen), then ``random_samples``
    random and ``adversarial_targets`` adversarial ``k``-sparse inputs on an
    instance with ``scale_m_out`` outputs (and
    :func:`~superpos.families.default_n_inputs` inputs). The three-channel
    networks checked are those whose units are all shared (``dedicate=False``),
    and so is the network sampled (:func:`construction_network` with
    ``dedicate=False``): a network that gives every AND a ReLU of its own is
    exact by proof, and checking it would test nothing the bound decides. The
    random and adversarial inputs use seeds ``seed + 1`` and ``seed + 2``.

    Returns
    -------
    list of dict
        One row per check and family with keys ``check``, ``family``, ``m``,
        ``m'``, ``layers`` (1: one layer, 2: three channels, 3: decoded), ``layout`` (as in
        :func:`certify_families`; never ``"dedicated"``), ``neurons``,
        ``one per AND`` (m + m'), ``inputs``, ``decisions`` and ``wrong``.

    Examples
    --------
    >>> rows = verify_families(2, exhaustive_m=6, scale_m_out=20, random_samples=20, adversarial_targets=2,
    ...                        families=("uniform",), failure_prob=1e-3)
    >>> [(row["check"], row["layers"], row["wrong"]) for row in rows]
    [('exhaustive', 1, 0), ('exhaustive', 2, 0), ('exhaustive', 3, 0), ('random', 3, 0), ('adversarial', 3, 0)]
    """
    exhaustive_m = check_int(exhaustive_m, "exhaustive_m", 4)
    # Outputs of the small instances: as many pairs as each family fits comfortably in m inputs
    # (a clique of 7 features has 21 pairs).
    exhaustive_outputs = {"uniform": 2 * exhaustive_m, "matching": exhaustive_m // 2, "star": exhaustive_m - 1,
                          "stars": 2 * exhaustive_m, "clique": comb(7, 2), "near_clique": comb(7, 2),
                          "power_law": 2 * exhaustive_m, "heavy_power_law": 2 * exhaustive_m,
                          "mixture": min(2 * exhaustive_m, comb(exhaustive_m, 2) // 4)}

    def row(check, family, m, pairs, net, sizes, errors):
        return {"check": check, "family": family, "m": m, "m'": pairs.n_outputs, "layers": len(net.layers),
                "layout": _layout_name(net, sizes, k), "neurons": net.n_neurons,
                "one per AND": naive_n_neurons(m, pairs.n_outputs), "inputs": errors.n_input_sets,
                "decisions": errors.n_decisions, "wrong": errors.wrong}

    rows = []
    for family in families:
        pairs = as_and_instance(make_pairs(family, exhaustive_m, exhaustive_outputs[family], seed=seed), exhaustive_m)
        for layout in ("one_layer", "three_channel", "decoded"):
            sizes = None
            if layout == "three_channel":
                sizes = three_channel_sizes(pairs, exhaustive_m, k, failure_prob, dedicate=False)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", LargerThanNaiveWarning)
                    net = build_and_network(pairs, exhaustive_m, k, seed, sizes=sizes, failure_prob=failure_prob,
                                            layout=layout)
            else:
                net = construction_network(pairs, exhaustive_m, k, seed=seed, failure_prob=failure_prob,
                                           layout=layout)
            rows.append(row("exhaustive", family, exhaustive_m, pairs, net, sizes, verify_exhaustive(net, pairs, k)))
    for family in families:
        m = default_n_inputs(family, scale_m_out)
        pairs = as_and_instance(make_pairs(family, m, scale_m_out, seed=seed), m)
        net, sizes = _network_and_sizes(pairs, m, k, seed, failure_prob, "every_input", "auto", dedicate=False)
        rows.append(row("random", family, m, pairs, net, sizes,
                        verify_random(net, pairs, k, random_samples, seed=seed + 1)))
        rows.append(row("adversarial", family, m, pairs, net, sizes,
                        verify_adversarial(net, pairs, k, adversarial_targets, seed=seed + 2)))
    return rows


def certify_families(k: int, n_outputs: int, seed: int = 0, families=FAMILIES, failure_prob: float = 1e-6,
                     n_jobs: int = 1, shared: bool = False) -> list[dict]:
    """Run the exact certificate on the network built for every family at m' = ``n_outputs``.

    Builds :func:`construction_network` for each family (m from
    :func:`~superpos.families.default_n_inputs`) and decides every input with
    at most ``k`` actives with :func:`superpos.certificate.certify`. With
    ``shared=True``, where that network gives every output a dedicated unit,
    the smallest network whose units are shared (``dedicate=False``) is
    certified too, in a row of its own.

    Returns
    -------
    list of dict
        One row per family and network: ``family``, ``m``, ``m'``, ``layers``,
        ``layout`` (as in :func:`construction_neurons_curve`), ``neurons``,
        ``one per AND``, ``inputs`` (Σ_{j≤k} C(m, j), every one decided),
        ``false positives`` and ``false negatives`` (outputs wrong on some
        input), ``passed`` and ``seconds``.

    Examples
    --------
    >>> rows = certify_families(3, 40, families=("uniform", "star"), failure_prob=1e-3)
    >>> [(row["family"], row["inputs"], row["passed"]) for row in rows]
    [('uniform', 10701, True), ('star', 11522, True)]
    """
    n_outputs = check_int(n_outputs, "n_outputs", 2)
    rows = []
    for family in families:
        m = default_n_inputs(family, n_outputs)
        pairs = as_and_instance(make_pairs(family, m, n_outputs, seed=seed), m)
        for dedicate in (True, False):
            net, sizes = _network_and_sizes(pairs, m, k, seed, failure_prob, "every_input", "auto", dedicate)
            dedicated = every_output_dedicated(sizes, k)
            verdict = certify(net, pairs, k, max_witnesses=1, n_jobs=n_jobs)
            rows.append({"family": family, "m": m, "m'": pairs.n_outputs, "layers": len(net.layers),
                         "layout": _layout_name(net, sizes, k),
                         "neurons": net.n_neurons, "one per AND": naive_n_neurons(m, pairs.n_outputs),
                         "inputs": verdict.n_input_sets, "false positives": verdict.false_positives,
                         "false negatives": verdict.false_negatives, "passed": verdict.passed,
                         "seconds": round(verdict.seconds, 2)})
            if not (shared and dedicated):
                break
    return rows


def _layout_name(net, sizes, k: int) -> str:
    """``"dedicated"`` for three channels with every output dedicated, else the layout by its layers."""
    if every_output_dedicated(sizes, k):
        return "dedicated"
    return ("one_layer", "three_channel", "decoded")[len(net.layers) - 1]


def certified_against_bound(n_outputs_values, k: int = 3, seed: int = 0, family: str = "uniform",
                            failure_prob: float = 1e-6, output_code_sizes=None,
                            rel_tol: float = 0.02, n_jobs: int = 1) -> dict[str, np.ndarray]:
    """Neurons of the bound-sized one-layer network against the smallest certified one found, per m'.

    For each m' (pairs of ``family``, m from :func:`~superpos.families.default_n_inputs`)
    runs :func:`superpos.certified_sizing.certified_one_layer` with ``seed``.

    Returns
    -------
    dict of arrays, one entry per m':
        ``n_outputs``, ``n_inputs``, ``bound_neurons`` (every-input
        heuristic bound, ``failure_prob``), ``certified_neurons``,
        ``proved_neurons`` (the proved bound of
        :func:`superpos.one_layer.proved_sizes` for the same instance, so that
        the three are compared on one pair list), their ratios to
        √(m' log₂ m') (``bound_ratio``, ``certified_ratio``,
        ``proved_ratio``), ``trials`` (networks built and certified) and
        ``seconds`` (all certificates).

    Examples
    --------
    >>> curve = certified_against_bound([60, 120], k=2, failure_prob=1e-3, output_code_sizes=(4,), rel_tol=0.2)
    >>> bool((curve["certified_neurons"] <= curve["bound_neurons"]).all())
    True
    >>> bool((curve["proved_neurons"] > curve["bound_neurons"]).all())
    True
    """
    rows = []
    for value in n_outputs_values:
        m_out = check_int(value, "n_outputs_values entries", 2)
        m = default_n_inputs(family, m_out)
        pairs = make_pairs(family, m, m_out, seed=seed)
        found = certified_one_layer(pairs, m, k, seed, failure_prob=failure_prob,
                                    output_code_sizes=output_code_sizes, rel_tol=rel_tol, n_jobs=n_jobs)
        proved = one_layer_sizes(pairs, m, k, failure_prob, guarantee="proved").n_neurons
        scale = sqrt(m_out * log2(m_out))
        rows.append((m_out, m, found.bound_sizes.n_neurons, found.n_neurons, proved,
                     found.bound_sizes.n_neurons / scale, found.n_neurons / scale, proved / scale,
                     len(found.trials), sum(t.seconds for t in found.trials)))
    keys = ("n_outputs", "n_inputs", "bound_neurons", "certified_neurons", "proved_neurons", "bound_ratio",
            "certified_ratio", "proved_ratio", "trials", "seconds")
    table = np.array(rows, dtype=float).reshape(-1, len(keys))
    out = {key: table[:, j] for j, key in enumerate(keys)}
    for key in ("n_outputs", "n_inputs", "bound_neurons", "certified_neurons", "proved_neurons", "trials"):
        out[key] = out[key].astype(np.int64)
    return out


@dataclass(frozen=True)
class PhaseTransition:
    """Wrong decisions of deliberately resized one-layer networks at one instance (see :func:`phase_transition`).

    Examples
    --------
    >>> PhaseTransition(None, np.array([10, 20]), np.array([3.0, 0.0]), np.array([5.0, 0.0]), 0).n_neurons.tolist()
    [10, 20]
    """

    chosen: OneLayerSizes  #: the sizes the failure bound chooses
    n_neurons: np.ndarray  #: neurons of each resized network
    random_wrong_per_input: np.ndarray  #: wrong decisions per random input
    adversarial_wrong_per_input: np.ndarray  #: wrong decisions per adversarial input
    false_negatives: int  #: over every network and input (the theorem says none)
    certified_wrong_outputs: np.ndarray | None = None  #: outputs wrong on some input (exact), per network
    certified_false_negatives: int = 0  #: true outputs wrong on some input, over every network (exact)


#: Inputs per batch when checking the deliberately undersized networks of :func:`phase_transition`.
PHASE_BATCH = 256


def phase_transition(pairs, n_inputs: int, k: int, n_points: int, random_samples: int, adversarial_targets: int,
                     seed: int = 0, failure_prob: float = 1e-6, certified: bool = True,
                     n_jobs: int = 1) -> PhaseTransition:
    """Shrink the one-layer network below the size the bound chooses and count its errors.

    Keeps the chosen code sizes s and t and scales both channel primes
    :math:`q_0, q_1` by factors from 1/4 to 1 (never below what a line code
    needs), building each network with ``enforce_bound=False``; each is checked
    on ``random_samples`` random inputs (seed ``seed + 3``) and
    ``adversarial_targets`` adversarial ones (seed ``seed + 4``), in batches of
    ``PHASE_BATCH`` inputs: the smallest networks decode a large share of all
    m' outputs on every input, so a batch of them is as large as batch × m'.
    With ``certified`` each network is also decided on every input with at
    most k actives by :func:`superpos.certificate.certify`, which counts the
    outputs that *some* input makes wrong.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> phase = phase_transition(uniform_pairs(60, 200, seed=0), 60, 3, 3, 20, 3, failure_prob=1e-3)
    >>> bool(phase.n_neurons[-1] == phase.chosen.n_neurons), phase.false_negatives, phase.certified_false_negatives
    (True, 0, 0)
    >>> phase.certified_wrong_outputs.tolist()   # outputs that some input with at most 3 actives makes wrong
    [200, 0, 0]
    """
    instance = as_and_instance(pairs, n_inputs)
    n_inputs = instance.n_inputs
    n_points = check_int(n_points, "n_points", 2)
    chosen = one_layer_sizes(instance, n_inputs, k, failure_prob)
    rows = []
    for scale in np.linspace(0.25, 1.0, n_points):
        q_in = next_prime(max(chosen.code_size, int(scale * chosen.q_in), isqrt(n_inputs - 1) + 1))
        q_out = next_prime(max(chosen.output_code_size, int(scale * chosen.q_out),
                               isqrt(instance.n_outputs - 1) + 1))
        sizes = one_layer_sizes_for_widths(instance, n_inputs, k, code_size=chosen.code_size,
                                           output_code_size=chosen.output_code_size,
                                           n_input_neurons=chosen.code_size * q_in,
                                           n_output_neurons=chosen.output_code_size * q_out)
        net = build_one_layer_and_network(instance, n_inputs, k, seed=seed, sizes=sizes, enforce_bound=False)
        rnd = verify_random(net, instance, k, random_samples, seed=seed + 3, batch_size=PHASE_BATCH)
        adv = verify_adversarial(net, instance, k, adversarial_targets, seed=seed + 4, batch_size=PHASE_BATCH)
        verdict = certify(net, instance, k, max_witnesses=0, n_jobs=n_jobs) if certified else None
        rows.append((net.n_neurons, rnd.wrong / rnd.n_input_sets, adv.wrong / adv.n_input_sets,
                     rnd.false_negatives + adv.false_negatives,
                     verdict.false_positives if certified else 0, verdict.false_negatives if certified else 0))
    table = np.array(rows)
    return PhaseTransition(chosen, table[:, 0].astype(np.int64), table[:, 1], table[:, 2], int(table[:, 3].sum()),
                           table[:, 4].astype(np.int64) if certified else None, int(table[:, 5].sum()))
