// The benchmark workloads, defined exactly as in bench/RESULTS.md so that any peer can be matched:
// bench/peers/{mine,lenet,ksg,bnn}.py run the same recipes in PyTorch / scikit-learn.
import {
  ClassifierTrainer,
  FusedAdam,
  JointCritic,
  Rng,
  bayesMlp,
  dvBound,
  gaussianKl,
  ksgMi,
  lenet5,
  tf,
} from 'milab';
import { ascendStep } from 'milab/internal';

/**
 * One workload: `step()` does one unit of work and returns its value as a device scalar or a
 * number; nothing is read back inside the timed loop except by `read` at the end.
 */
export interface Workload {
  step(): tf.Scalar | number;
  dispose(): void;
}

export type WorkloadName = 'mine' | 'lenet' | 'ksg' | 'bnn';
export const WORKLOADS: readonly WorkloadName[] = ['mine', 'lenet', 'ksg', 'bnn'];

export const DEFAULT_STEPS: Record<WorkloadName, { steps: number; warmup: number }> = {
  mine: { steps: 300, warmup: 20 },
  lenet: { steps: 100, warmup: 10 },
  ksg: { steps: 10, warmup: 1 },
  bnn: { steps: 100, warmup: 10 },
};

export function createWorkload(name: WorkloadName, seed: number): Workload {
  switch (name) {
    case 'mine':
      return mineWorkload(seed);
    case 'lenet':
      return lenetWorkload(seed);
    case 'ksg':
      return ksgWorkload(seed);
    case 'bnn':
      return bnnWorkload(seed);
  }
}

/** x ~ N(0, I_10), y = 0.9 x + sqrt(0.19) e; critic [x, y] (20) -> 256 ReLU -> 256 ReLU -> 1; batch
 * 512; Donsker-Varadhan bound with y shuffled in-batch for the marginal term; Adam 1e-3; fresh
 * samples every step. Joint and shuffled pairs go through the critic as one batch of 1024 rows. */
function mineWorkload(seed: number): Workload {
  const batch = 512;
  const dim = 10;
  const rng = new Rng(seed);
  const critic = new JointCritic(dim, dim, {
    hidden: [256, 256],
    activation: 'relu',
    seed: rng.nextSeed(),
  });
  const optimizer = new FusedAdam(1e-3); // tf.train.adam's update, one kernel per variable
  return {
    step() {
      const order = tf.tensor1d(rng.permutation(batch), 'int32');
      const xSeed = rng.nextSeed();
      const eSeed = rng.nextSeed();
      const estimate = ascendStep(optimizer, critic.variables, () => {
        const x = tf.randomNormal([batch, dim], 0, 1, 'float32', xSeed) as tf.Tensor2D;
        const y = tf.add(
          tf.mul(x, 0.9),
          tf.randomNormal([batch, dim], 0, Math.sqrt(0.19), 'float32', eSeed),
        ) as tf.Tensor2D;
        const shuffled = tf.gather(y, order) as tf.Tensor2D;
        const scores = critic.pairScores(tf.concat([x, x]), tf.concat([y, shuffled]));
        const joint = tf.slice(scores, 0, batch);
        const marginal = tf.reshape(tf.slice(scores, batch, batch), [batch, 1]);
        return dvBound({ joint, marginal });
      });
      order.dispose();
      return estimate;
    },
    dispose() {
      critic.dispose();
      optimizer.dispose();
    },
  };
}

/** LeNet-5 (lib's lenet5: conv 20@5x5 ReLU, maxpool 2, conv 50@5x5 ReLU, maxpool 2, dense 500 ReLU,
 * dense 10), batch 64 of 28x28x1, softmax cross-entropy, Adam 1e-3. Inputs: a pool of 16 batches of
 * N(0,1) images labelled by a fixed random linear teacher (argmax of 10 projections). */
function lenetWorkload(seed: number): Workload {
  const batch = 64;
  const poolBatches = 16;
  const rng = new Rng(seed);
  const model = lenet5({ seed: rng.nextSeed() });
  const trainer = new ClassifierTrainer(model, { learningRate: 1e-3, seed: rng.nextSeed() });
  return pooledTraining(model, trainer, teacherPool(rng, batch * poolBatches, [28, 28, 1]), batch);
}

/**
 * KSG (k = 3) on N = 10,000 samples of a 2-D Gaussian with correlation 0.9; one step = one
 * estimate. True value -0.5 log(1 - 0.81) = 0.830 nats.
 */
function ksgWorkload(seed: number): Workload {
  const n = 10_000;
  const rho = 0.9;
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    y[i] = rho * x[i] + Math.sqrt(1 - rho * rho) * rng.normal();
  }
  return {
    step: () => ksgMi(x, y, { k: 3, seed }).mi,
    dispose() {},
  };
}

/**
 * One step of notebook 002's fixed-prior beta-BNN, its longest training: the Bayes-by-backprop
 * MLP 784-400-400-10 (lib's bayesMlp: local reparametrisation, sigma = softplus(rho), rho starting
 * at -3, Glorot-normal means, zero biases), batch 128, loss = mean cross-entropy
 * + 1e-6 KL(q || N(0, I)) in closed form over all 478,410 weights and biases, Adam 1e-3. Inputs as
 * lenet's: a pool of 16 batches of N(0,1) rows labelled by a fixed random linear teacher.
 */
function bnnWorkload(seed: number): Workload {
  const batch = 128;
  const poolBatches = 16;
  const rng = new Rng(seed);
  const model = bayesMlp({ inputShape: 784, hidden: [400, 400], seed: rng.nextSeed() });
  const trainer = new ClassifierTrainer(model, {
    learningRate: 1e-3,
    seed: rng.nextSeed(),
    capExtraGradient: false,
    extraLoss: () => tf.mul(1e-6, gaussianKl(model)) as tf.Scalar,
  });
  return pooledTraining(model, trainer, teacherPool(rng, batch * poolBatches, [784]), batch);
}

/** `rows` N(0,1) inputs of the given shape labelled by a fixed random linear teacher (argmax of
 * 10 projections of the flattened input), so a classifier's loss can fall. */
function teacherPool(rng: Rng, rows: number, shape: number[]): { x: tf.Tensor; y: tf.Tensor1D } {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(rng.normals(rows * size), [rows, ...shape]);
  const y = tf.tidy(() => {
    const teacher = tf.tensor2d(rng.normals(size * 10), [size, 10]);
    return tf.argMax(tf.matMul(tf.reshape(x, [rows, size]), teacher), -1) as tf.Tensor1D;
  });
  return { x, y };
}

/** One trainer step a call on the pool's batches in turn; the step's value is the task loss. */
function pooledTraining(
  model: { dispose(): void },
  trainer: ClassifierTrainer,
  pool: { x: tf.Tensor; y: tf.Tensor1D },
  batch: number,
): Workload {
  const batches = pool.x.shape[0] / batch;
  let cursor = 0;
  return {
    step() {
      const start = (cursor++ % batches) * batch;
      const x = tf.slice(pool.x, start, batch);
      const y = tf.slice(pool.y, start, batch);
      const result = trainer.step(x, y);
      tf.dispose([x, y, result.correct, result.extra]);
      return result.loss;
    },
    dispose() {
      trainer.dispose();
      model.dispose();
      tf.dispose([pool.x, pool.y]);
    },
  };
}
