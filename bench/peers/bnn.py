"""`bnn` workload in PyTorch: one step of notebook 002's fixed-prior beta-BNN. A Bayes-by-backprop
MLP 784-400-400-10 with the local reparametrisation (pre-activation mean x mu_W + mu_b, variance
x^2 sigma_W^2 + sigma_b^2, one normal draw per unit and example), sigma = softplus(rho), rho
starting at -3, Glorot-normal means, zero biases; batch 128; loss = mean cross-entropy
+ 1e-6 KL(q || N(0, I)) in closed form over every weight and bias; Adam 1e-3. Inputs: a pool of
16 batches of N(0,1) rows labelled by a fixed random linear teacher; the project uses the same
recipe."""
import math

from common import (DEVICE, parse_args, pooled_step, report, timed, torch_device,
                    torch_threads, torch_versions)
import torch
import torch.nn.functional as F

args = parse_args(default_steps=100, default_warmup=10)
torch_threads(torch)
device = torch_device(torch)
torch.manual_seed(args.seed)

BATCH, POOL_BATCHES, CLASSES, BETA = 128, 16, 10, 1e-6


class BayesLinear(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        std = math.sqrt(2.0 / (n_in + n_out))  # Glorot normal (untruncated is close enough for speed)
        self.w_mu = torch.nn.Parameter(torch.randn(n_in, n_out) * std)
        self.w_rho = torch.nn.Parameter(torch.full((n_in, n_out), -3.0))
        self.b_mu = torch.nn.Parameter(torch.zeros(n_out))
        self.b_rho = torch.nn.Parameter(torch.full((n_out,), -3.0))

    def forward(self, x):
        mean = x @ self.w_mu + self.b_mu
        var = (x * x) @ F.softplus(self.w_rho) ** 2 + F.softplus(self.b_rho) ** 2
        return mean + torch.sqrt(var + 1e-16) * torch.randn_like(mean)

    def kl(self):
        total = 0.0
        for mu, rho in ((self.w_mu, self.w_rho), (self.b_mu, self.b_rho)):
            sigma = F.softplus(rho)
            total = total + (-torch.log(sigma) + (sigma ** 2 + mu ** 2) / 2 - 0.5).sum()
        return total


layers = torch.nn.ModuleList([BayesLinear(784, 400), BayesLinear(400, 400),
                              BayesLinear(400, CLASSES)]).to(device)


def forward(x):
    x = F.relu(layers[0](x))
    x = F.relu(layers[1](x))
    return layers[2](x)


inputs = torch.randn(POOL_BATCHES * BATCH, 784)
teacher = torch.randn(784, CLASSES)
labels = (inputs @ teacher).argmax(1)
inputs, labels = inputs.to(device), labels.to(device)

optimizer = torch.optim.Adam(layers.parameters(), lr=1e-3)


def loss_fn(x, y):
    task = F.cross_entropy(forward(x), y)
    return task + BETA * sum(layer.kl() for layer in layers), task


step = pooled_step(inputs, labels, BATCH, optimizer, loss_fn)
seconds, last = timed(step, args.steps, args.warmup)
report("bnn", f"pytorch-{DEVICE}", seconds, args.steps, args.warmup, last, torch_versions(torch))
