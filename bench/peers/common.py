"""Shared pieces of the PyTorch / scikit-learn peers: argument parsing, timing, the JSON line.

Each peer prints exactly one JSON line with the same fields as `npm run bench -- WORKLOAD --json`,
so `npm run bench -- compare` can read both sides alike.
"""
import argparse
import json
import os
import platform
import sys
import time

# Two threads, like the 2-core reference machine; set before torch/numpy load their BLAS.
THREADS = int(os.environ.get("MILAB_PEER_THREADS", "2"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)


def parse_args(default_steps, default_warmup):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=default_steps)
    parser.add_argument("--warmup", type=int, default=default_warmup)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.steps < 1 or args.warmup < 0:
        sys.exit("error: --steps must be >= 1 and --warmup >= 0")
    return args


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(step, steps, warmup):
    """Run `warmup` untimed steps, then `steps` timed ones; returns (seconds, last step's value)."""
    last = None
    for _ in range(warmup):
        last = step()
    start = time.perf_counter()
    for _ in range(steps):
        last = step()
    last = float(last)  # a device sync, inside the timed region like the project's final read
    return time.perf_counter() - start, last


def report(workload, backend, seconds, steps, warmup, last, versions):
    print(json.dumps({
        "workload": workload,
        "backend": backend,
        "steps_per_s": steps / seconds,
        "ms_per_step": 1000 * seconds / steps,
        "steps": steps,
        "warmup": warmup,
        "last": last,
        "threads": THREADS,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "versions": dict(python=platform.python_version(), **versions),
    }))
