"""`lenet` workload in PyTorch: LeNet-5 (conv 20@5x5 ReLU, maxpool 2, conv 50@5x5 ReLU, maxpool 2,
dense 500 ReLU, dense 10), batch 64 of 28x28x1 inputs, softmax cross-entropy, Adam 1e-3.
Inputs: a fixed pool of 16 batches of N(0,1) images labelled by a fixed random linear teacher
(argmax of 10 projections), so the loss can fall; the project uses the same recipe."""
from common import (DEVICE, parse_args, pooled_step, report, timed, torch_device,
                    torch_threads, torch_versions)
import torch
import torch.nn.functional as F

args = parse_args(default_steps=100, default_warmup=10)
torch_threads(torch)
device = torch_device(torch)
torch.manual_seed(args.seed)

BATCH, POOL_BATCHES, CLASSES = 64, 16, 10


class LeNet5(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 20, 5)
        self.conv2 = torch.nn.Conv2d(20, 50, 5)
        self.fc1 = torch.nn.Linear(800, 500)
        self.fc2 = torch.nn.Linear(500, CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


images = torch.randn(POOL_BATCHES * BATCH, 1, 28, 28)
teacher = torch.randn(28 * 28, CLASSES)
labels = (images.reshape(len(images), -1) @ teacher).argmax(1)
images, labels = images.to(device), labels.to(device)

model = LeNet5().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)


def loss_fn(x, y):
    loss = F.cross_entropy(model(x), y)
    return loss, loss


step = pooled_step(images, labels, BATCH, optimizer, loss_fn)
seconds, last = timed(step, args.steps, args.warmup)
report("lenet", f"pytorch-{DEVICE}", seconds, args.steps, args.warmup, last, torch_versions(torch))
