"""PyTorch baseline for `pnpm bench:training`: the same two workloads, on this machine's CPU.

Prints one JSON line: {"workload", "samplesPerSecond", "samplesPerCpuSecond", "torch", "threads", "blas"}.
Needs Debian's python3-torch AND libopenblas0-pthread (without OpenBLAS, torch falls back to
the reference BLAS and runs ~17x slower: the comparison would be meaningless).

    /usr/bin/python3 torch_baseline.py --workload mlp --steps 40
"""
import argparse
import json
import time

import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--workload", choices=["mlp", "cnn"], required=True)
p.add_argument("--steps", type=int, default=40)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--reps", type=int, default=3)
args = p.parse_args()

torch.manual_seed(1)
if args.workload == "mlp":
    batch = 128
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )
    shape = (batch, 784)
else:
    batch = 64
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10),
    )
    shape = (batch, 1, 28, 28)

opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
# Random stand-ins for MNIST batches: throughput does not depend on the pixel values.
xs = [torch.rand(shape) for _ in range(8)]
ys = [torch.randint(0, 10, (batch,)) for _ in range(8)]
model.train()


def step(i):
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(xs[i % 8]), ys[i % 8])
    loss.backward()
    opt.step()
    return loss


for i in range(args.warmup):
    step(i)
rates = []
cpu_rates = []
for _ in range(args.reps):
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(args.steps):
        loss = step(i)
    loss.item()
    rates.append(args.steps * batch / (time.perf_counter() - t0))
    cpu_rates.append(args.steps * batch / (time.process_time() - c0))
rates.sort()
cpu_rates.sort()
# Which BLAS the process really loaded (libopenblas0-pthread, or the slow reference libblas).
with open("/proc/self/maps") as maps:
    libs = {line.split()[-1] for line in maps if "blas" in line}
blas = "openblas" if any("openblas" in lib for lib in libs) else "reference" if libs else "none"
print(json.dumps({
    "workload": args.workload,
    "samplesPerSecond": rates[len(rates) // 2],
    "samplesPerCpuSecond": cpu_rates[len(cpu_rates) // 2],
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas,
}))
