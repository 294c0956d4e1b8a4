// Adam with the update fused into one kernel per variable where the backend has one (wasm: milab's
// 'MilabAdam'), else the same arithmetic in TF.js ops. Same defaults and same update as
// tf.train.adam (epsilon 1e-7 for float32): w -= lr * m_hat / (sqrt(v_hat) + eps).
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL } from '../backend/kernels';
import { inputError } from '../errors';

type NamedTensor = { name: string; tensor: tf.Tensor };

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

export class FusedAdam extends tf.Optimizer {
  static readonly className = 'MilabFusedAdam';
  private step = 0;
  private readonly moments = new Map<string, Moments>();

  constructor(
    readonly learningRate = 1e-3,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    super();
    for (const [name, value, ok] of [
      ['learningRate', learningRate, learningRate > 0],
      ['beta1', beta1, beta1 >= 0 && beta1 < 1],
      ['beta2', beta2, beta2 >= 0 && beta2 < 1],
      ['epsilon', epsilon, epsilon > 0],
    ] as const) {
      if (!ok) inputError(`FusedAdam: ${name} out of range, got ${value}`);
    }
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map((p) => [p.name, p.tensor] as const)
      : Object.entries(variableGradients);
    this.step++;
    const a1 = 1 - this.beta1 ** this.step;
    const a2 = 1 - this.beta2 ** this.step;
    const attrs = {
      lrT: (this.learningRate * Math.sqrt(a2)) / a1,
      beta1: this.beta1,
      beta2: this.beta2,
      epsT: this.epsilon * Math.sqrt(a2),
    };
    const fused = tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
    for (const [name, g] of pairs) {
      if (g == null) continue;
      const w = tf.engine().registeredVariables[name];
      if (!w) inputError(`FusedAdam: no variable named '${name}'`);
      const { m, v } = this.momentsOf(w);
      const [w1, m1, v1] = fused
        ? (tf
            .engine()
            .runKernel(
              ADAM_KERNEL,
              { w, g, m, v },
              attrs as unknown as tf.NamedAttrMap,
            ) as tf.Tensor[])
        : tf.tidy(() => {
            const mNext = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
            const vNext = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
            const wNext = tf.sub(
              w,
              tf.div(tf.mul(mNext, attrs.lrT), tf.add(tf.sqrt(vNext), attrs.epsT)),
            );
            return [wNext, mNext, vNext];
          });
      w.assign(w1);
      m.assign(m1);
      v.assign(v1);
      tf.dispose([w1, m1, v1]);
    }
    this.incrementIterations();
  }

  private momentsOf(w: tf.Variable): Moments {
    let state = this.moments.get(w.name);
    if (!state) {
      state = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(w), false),
        v: tf.variable(tf.zerosLike(w), false),
      }));
      this.moments.set(w.name, state);
    }
    return state;
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
    super.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    for (const [name, { m, v }] of this.moments)
      weights.push({ name: `${name}/m`, tensor: m }, { name: `${name}/v`, tensor: v });
    return weights;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.step = this.iterations;
    for (const { name, tensor } of rest) {
      const [variable, which] = [
        name.slice(0, name.lastIndexOf('/')),
        name.slice(name.lastIndexOf('/') + 1),
      ];
      const w = tf.engine().registeredVariables[variable];
      if (!w || (which !== 'm' && which !== 'v'))
        inputError(`FusedAdam.setWeights: unexpected weight '${name}'`);
      this.momentsOf(w)[which].assign(tensor);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config.learningRate, config.beta1, config.beta2, config.epsilon);
  }
}
tf.serialization.registerClass(FusedAdam);
