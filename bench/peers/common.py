"""The peers' shared pieces: threads, argument parsing, timing, the JSON line.

Each peer prints exactly one JSON line with the same fields as `npm run bench -- WORKLOAD --json`,
so `npm run bench -- compare` can read both sides alike.
"""
import argparse
import json
import os
import platform
import sys
import time

# The threads this run may use: `npm run bench -- compare` runs every peer once per thread count
# (MILAB_PEER_THREADS = 1, then 2) and compares the project with the better. OpenMP and the BLAS
# read their variables when they load, so they are set here, before torch or numpy is imported.
THREADS = int(os.environ.get("MILAB_PEER_THREADS", "2"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)


# Where the PyTorch peers compute: "cpu" (the default, the peer the CPU backends are judged against)
# or "cuda" (the peer for milab's webgpu backend on a machine with an NVIDIA GPU).
DEVICE = os.environ.get("MILAB_PEER_DEVICE", "cpu")
if DEVICE not in ("cpu", "cuda"):
    sys.exit(f"error: MILAB_PEER_DEVICE must be cpu or cuda; got '{DEVICE}'")


def torch_threads(torch):
    """PyTorch's own pool (convolutions, elementwise kernels) on THREADS threads, like its BLAS."""
    torch.set_num_threads(THREADS)


def torch_device(torch):
    """The torch.device the peer computes on (MILAB_PEER_DEVICE); one clear line if CUDA is asked
    for and this PyTorch cannot reach a GPU."""
    if DEVICE == "cuda" and not torch.cuda.is_available():
        sys.exit("error: MILAB_PEER_DEVICE=cuda but this PyTorch sees no CUDA GPU "
                 f"(torch {torch.__version__}, built for CUDA {torch.version.cuda})")
    return torch.device(DEVICE)


def torch_versions(torch):
    """The versions a PyTorch peer reports: torch's, and on CUDA the GPU's name."""
    versions = {"torch": torch.__version__}
    if DEVICE == "cuda":
        versions["gpu"] = torch.cuda.get_device_name()
    return versions


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


def loaded_blas():
    """The BLAS library this process has loaded (after the run): which one the peer really used,
    e.g. openblas-pthread/libopenblasp-r0.3.21.so, whatever the alternatives system points to."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return "unknown"
    named = sorted(lib for lib in libs if "openblas" in lib.rsplit("/", 1)[-1]) or sorted(libs)
    return "/".join(named[0].split("/")[-2:]) if named else "none"


def pooled_step(inputs, labels, batch, optimizer, loss_fn):
    """A step function: one optimiser step on the pool's next batch (the batches in turn).
    loss_fn(x, y) returns (the loss to minimise, the value to report)."""
    batches = len(inputs) // batch
    cursor = [0]

    def step():
        start = (cursor[0] % batches) * batch
        cursor[0] += 1
        loss, value = loss_fn(inputs[start:start + batch], labels[start:start + batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return value.detach()

    return step


def timed(step, steps, warmup):
    """Run `warmup` untimed steps, then `steps` timed ones; returns (seconds, last step's value)."""
    last = None
    for _ in range(warmup):
        last = step()
    if DEVICE == "cuda":  # the warm-up's queued GPU work must not run on the clock
        import torch
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        last = step()
    last = float(last)  # a device sync (CUDA too), inside the timed region like the project's read
    return time.perf_counter() - start, last


def report(workload, backend, seconds, steps, warmup, last, versions):
    print(json.dumps({
        "workload": workload,
        "backend": f"{backend}-{THREADS}t",
        "steps_per_s": steps / seconds,
        "ms_per_step": 1000 * seconds / steps,
        "steps": steps,
        "warmup": warmup,
        "last": last,
        "threads": THREADS,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "versions": dict(python=platform.python_version(), blas=loaded_blas(), **versions),
    }))
