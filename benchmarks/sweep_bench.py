"""Time and memory of ``negsim sweep`` on the baseline (issue 7: 100 points x 10,000 runs
within 25 s on 2 cores, under 2 GiB).

On a shared machine the full sweep may not give a meaningful number; ``--points`` runs a
smaller one and the line says how it extrapolates (time per run, measured, times 1,000,000
runs plus the one-at-a-time runs). The engine's own rate on one core is measured beside it,
so a slow machine shows as a slow engine, not a slow sweep.

    python benchmarks/sweep_bench.py [--points 100] [--runs 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"
PATH = "actors.russia.military_option.cost"


def engine_rate(runs: int = 5000) -> float:
    """Runs per second of the batched engine on one core, best of 2."""
    from sim.model.talks import Talks
    from sim.scenario import load_scenario

    sc = load_scenario(BASELINE)
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        talks = Talks(sc, 1, np.arange(runs))
        talks.play()
        talks.release()
        best = min(best, time.perf_counter() - t)
    return runs / best


def sweep(points: int, runs: int, workers: int) -> float:
    """Wall time of the command line's sweep of Russia's cost of war."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "sim",
            "sweep",
            str(BASELINE),
            "--vary",
            f"{PATH}=0:1:{points}",
            "--runs-per-point",
            str(runs),
            "--workers",
            str(workers),
            "--out",
            str(Path(tmp) / "sweep"),
        ]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=100)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rate = engine_rate()
    print(f"engine, one core: {rate:,.0f} runs/s")
    fixed = sweep(args.points, 10, args.workers)  # start-up, pool, charts, report
    wall = sweep(args.points, args.runs, args.workers)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # MiB (Linux: KiB)
    runs = (args.points + 3) * args.runs  # the points, the scenario as it is, LOW and HIGH
    full = (100 + 3) * 10_000
    print(
        f"sweep: {args.points} points x {args.runs:,} runs (+3 one-at-a-time points), "
        f"{args.workers} workers: {wall:.1f} s wall, {runs / wall:,.0f} runs/s, "
        f"largest process {peak:,.0f} MiB"
    )
    per_run = (wall - fixed) / (runs - (args.points + 3) * 10)
    print(f"fixed cost (the same sweep at 10 runs per point): {fixed:.1f} s")
    print(
        f"extrapolated to 100 points x 10,000 runs: {fixed + per_run * full:.0f} s "
        f"(target 25 s); the engine alone on {args.workers} cores at the rate above: "
        f"{full / (rate * args.workers):.0f} s"
    )


if __name__ == "__main__":
    main()
