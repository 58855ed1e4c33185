"""Time and memory of the exact certificate (superpos.certificate.certify) at scale.

Usage::

    python benchmarks/certificate_scale.py                    # every case below
    python benchmarks/certificate_scale.py --cases one_layer_1e4 small_1e4
    python benchmarks/certificate_scale.py --n-jobs 2
    python benchmarks/certificate_scale.py --cases two_layer_clique --two-layer-outputs 2000 --timeout 600

Cases (k = 3):

* ``one_layer_1e4``, ``one_layer_1e5``: uniform pairs, m = m', the one-layer
  network of ``build_one_layer_and_network`` at its default (every-input
  bound) sizing;
* ``small_1e4``: the same instance at m' = 10⁴ with both channels narrowed
  (q_in and q_out scaled by ``--shrink``) until the certificate finds wrong
  outputs; beside it the random and adversarial checks of the same network,
  which see fewer of them;
* ``two_layer_<family>`` for star, stars, clique, power law, heavy power law
  and mixture: m' = 10⁴
  (``--two-layer-outputs``), the smallest three-channel networks whose
  compute units are all shared (``three_channel_sizes(..., dedicate=False)``):
  at this m' the default sizing gives every output a ReLU of its own, which
  its Lemma proves exact; sharing is what needs a certificate.

A case still running after ``--timeout`` seconds is stopped and reported as such.

Each case runs in a fresh process, so that its peak resident set size
(getrusage, the process and its workers) is its own. Every row says what was
decided: Σ_{j≤3} C(m, j) inputs, the outputs with a false positive and the
true outputs with a false negative.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time

CASES = ("one_layer_1e4", "one_layer_1e5", "small_1e4", "two_layer_star", "two_layer_stars", "two_layer_clique",
         "two_layer_power_law", "two_layer_heavy_power_law", "two_layer_mixture")


def peak_rss_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 2**20


def build(case: str, shrink: float, two_layer_outputs: int = 10**4):
    from superpos.codes import next_prime
    from superpos.families import default_n_inputs, make_pairs
    from superpos.one_layer import OneLayerSizes, build_one_layer_and_network, one_layer_sizes
    from superpos.three_channel import build_three_channel_and_network, three_channel_sizes

    k = 3
    if case.startswith("two_layer_"):
        family = case.removeprefix("two_layer_")
        m_out = two_layer_outputs
        m = default_n_inputs(family, m_out)
        pairs = make_pairs(family, m, m_out, seed=0)
        sizes = three_channel_sizes(pairs, m, k, dedicate=False)
        return family, pairs, m, k, build_three_channel_and_network(pairs, m, k, seed=0, sizes=sizes)
    m = 10**5 if case == "one_layer_1e5" else 10**4
    pairs = make_pairs("uniform", m, m, seed=0)
    sizes = one_layer_sizes(pairs, m, k)
    if case == "small_1e4":
        sizes = OneLayerSizes(sizes.code_size, next_prime(int(sizes.q_in * shrink)), sizes.output_code_size,
                              next_prime(int(sizes.q_out * shrink)), 1.0)
        network = build_one_layer_and_network(pairs, m, k, seed=0, sizes=sizes, enforce_bound=False)
    else:
        network = build_one_layer_and_network(pairs, m, k, seed=0, sizes=sizes)
    return "uniform", pairs, m, k, network


def run_case(case: str, n_jobs: int, shrink: float, n_random: int, n_adversarial: int,
             two_layer_outputs: int) -> dict:
    from superpos.certificate import certify

    started = time.perf_counter()
    family, pairs, m, k, network = build(case, shrink, two_layer_outputs)
    built = time.perf_counter() - started
    result = certify(network, pairs, k, n_jobs=n_jobs, progress=True)
    row = {"case": case, "family": family, "m": m, "m_out": network.n_outputs, "k": k, "layout": result.layout,
           "neurons": network.n_neurons, "input_sets": result.n_input_sets, "fp_outputs": result.false_positives,
           "fn_outputs": result.false_negatives, "build_s": built, "certify_s": result.seconds,
           "peak_gb": peak_rss_gb()}
    if case == "small_1e4":
        from superpos.adversary import verify_adversarial
        from superpos.verify import verify_random
        row["random"] = verify_random(network, pairs, k, n_random, seed=1, n_jobs=n_jobs).false_positives
        row["adversarial"] = verify_adversarial(network, pairs, k, n_adversarial, seed=1).false_positives
        row["witness_checked"] = all(
            bool(network.compute([list(inputs)]).toarray()[0, out]) != (set(map(int, pairs[out])) <= set(inputs))
            for out, inputs in result.witnesses)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--shrink", type=float, default=0.7, help="factor on q_in and q_out for small_1e4")
    parser.add_argument("--random", type=int, default=3000, help="random inputs checked on small_1e4")
    parser.add_argument("--adversarial", type=int, default=1000, help="adversarial inputs checked on small_1e4")
    parser.add_argument("--two-layer-outputs", type=int, default=10**4, help="m' of the two-layer cases")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds after which a case is stopped")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one case in this process, print its row as JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one, args.n_jobs, args.shrink, args.random, args.adversarial,
                                  args.two_layer_outputs)))
        return
    print(f"{'case':<22} {'m':>7} {'m_out':>7} {'layout':>9} {'neurons':>8} {'input sets':>12} {'FP out':>7} "
          f"{'FN out':>7} {'build s':>8} {'certify s':>10} {'peak GB':>8}  other checks", flush=True)
    for case in args.cases:
        command = [sys.executable, __file__, "--one", case, "--n-jobs", str(args.n_jobs), "--shrink", str(args.shrink),
                   "--random", str(args.random), "--adversarial", str(args.adversarial),
                   "--two-layer-outputs", str(args.two_layer_outputs)]
        # Its own process group, so that a case stopped at the timeout takes its workers with it.
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
        try:
            stdout, stderr = child.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            print(f"{case:<22} not finished within --timeout {args.timeout:g} s", flush=True)
            continue
        done = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
        if done.returncode != 0:
            print(f"{case:<22} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}",
                  flush=True)
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        other = ""
        if "random" in row:
            other = (f"{args.random} random inputs: {row['random']} FP, {args.adversarial} adversarial: "
                     f"{row['adversarial']} FP; witnesses re-run: {'all wrong' if row['witness_checked'] else 'NOT'}")
        print(f"{row['case']:<22} {row['m']:>7} {row['m_out']:>7} {row['layout']:>9} {row['neurons']:>8} "
              f"{row['input_sets']:>12.3e} {row['fp_outputs']:>7} {row['fn_outputs']:>7} {row['build_s']:>8.1f} "
              f"{row['certify_s']:>10.1f} {row['peak_gb']:>8.2f}  {other}", flush=True)


if __name__ == "__main__":
    main()
