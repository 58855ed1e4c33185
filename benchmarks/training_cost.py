"""What one training step costs as m' grows, and what a whole training would cost (prints a table).

Usage: python benchmarks/training_cost.py [--m-out 100 1000 10000] [--ratio 1.0] [--steps 20] [--per-pair 2560]

For each m' (uniform pairs, m = m'), trains a network of hidden width ratio · m' for a few steps
(superpos.training, the chapter's settings otherwise) and prints the widths, the multiply-adds of one
step, the measured seconds per step and the projected seconds of a training with ``per_pair`` planted
presentations of each pair. The projection assumes the time per step stays what these steps measured.
Timings depend on the machine's load; run it on a quiet machine for figures to quote.
"""

import argparse
import time

from superpos.families import uniform_pairs
from superpos.training import TrainingSettings, train_and_network, training_channels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m-out", type=int, nargs="+", default=[100, 300, 1000, 3000, 10000])
    parser.add_argument("--ratio", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--per-pair", type=float, default=2560.0)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()
    print(f"{'m_out':>7} {'n0':>6} {'n1':>7} {'n2':>6} {'madds/step':>12} {'s/step':>8} {'steps':>8} "
          f"{'projected s':>12}")
    for m_out in args.m_out:
        pairs = uniform_pairs(m_out, m_out, seed=0)
        width = max(1, int(round(args.ratio * m_out)))
        inputs, outputs = training_channels(m_out, m_out, args.k)
        settings = TrainingSettings(width, steps=args.steps, check_every=10 * args.steps, validation_samples=100)
        started = time.perf_counter()
        trained = train_and_network(pairs, m_out, args.k, settings, seed=0)
        per_step = trained.seconds / trained.steps_run
        budget = TrainingSettings.for_presentations(width, m_out, args.per_pair)
        madds = settings.batch_size * width * (inputs.n_neurons + outputs.n_neurons) * 3
        print(f"{m_out:>7} {inputs.n_neurons:>6} {width:>7} {outputs.n_neurons:>6} {madds:>12.3g} "
              f"{per_step:>8.4f} {budget.steps:>8} {per_step * budget.steps:>12.0f}   "
              f"(run {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
