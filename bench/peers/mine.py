"""`mine` workload in PyTorch: x ~ N(0, I_10), y = 0.9 x + sqrt(0.19) e; critic [x, y] (20) ->
256 ReLU -> 256 ReLU -> 1; batch 512; Donsker-Varadhan bound with y shuffled in-batch for the
marginal term; Adam 1e-3; fresh samples every step. The joint and shuffled pairs go through the
critic as one batch of 1024 rows, as the project does. Like every PyTorch peer it computes on
MILAB_PEER_DEVICE (cpu, the default, or cuda)."""
import math

from common import DEVICE, parse_args, report, timed, torch_device, torch_threads, torch_versions
import torch

args = parse_args(default_steps=300, default_warmup=20)
torch_threads(torch)
device = torch_device(torch)
torch.manual_seed(args.seed)

BATCH, DIM = 512, 10
critic = torch.nn.Sequential(
    torch.nn.Linear(2 * DIM, 256), torch.nn.ReLU(),
    torch.nn.Linear(256, 256), torch.nn.ReLU(),
    torch.nn.Linear(256, 1),
).to(device)
optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
noise_scale = math.sqrt(0.19)


def step():
    x = torch.randn(BATCH, DIM, device=device)
    y = 0.9 * x + noise_scale * torch.randn(BATCH, DIM, device=device)
    shuffled = y[torch.randperm(BATCH, device=device)]
    pairs = torch.cat([torch.cat([x, y], 1), torch.cat([x, shuffled], 1)], 0)
    scores = critic(pairs).squeeze(1)
    joint, marginal = scores[:BATCH], scores[BATCH:]
    dv = joint.mean() - (torch.logsumexp(marginal, 0) - math.log(BATCH))
    optimizer.zero_grad(set_to_none=True)
    (-dv).backward()
    optimizer.step()
    return dv.detach()


seconds, last = timed(step, args.steps, args.warmup)
report("mine", f"pytorch-{DEVICE}", seconds, args.steps, args.warmup, last, torch_versions(torch))
