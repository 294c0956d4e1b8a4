"""`ksg` workload with scikit-learn: KSG (mutual_info_regression, k = 3) on N = 10,000 samples of a
2-D Gaussian with correlation 0.9; one step = one estimate. `last` is the estimate in nats
(true value -0.5 log(1 - 0.81) = 0.830)."""
from common import parse_args, report, timed
import numpy as np
import sklearn
from sklearn.feature_selection import mutual_info_regression

args = parse_args(default_steps=10, default_warmup=1)
N, RHO = 10_000, 0.9
rng = np.random.default_rng(args.seed)
x = rng.standard_normal(N)
y = RHO * x + np.sqrt(1 - RHO ** 2) * rng.standard_normal(N)


def step():
    return mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=args.seed)[0]


seconds, last = timed(step, args.steps, args.warmup)
report("ksg", "scikit-learn", seconds, args.steps, args.warmup, last,
       {"sklearn": sklearn.__version__, "numpy": np.__version__})
