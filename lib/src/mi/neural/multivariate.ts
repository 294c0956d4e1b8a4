// Neural conditional MI and total correlation: the same bounds, with negatives drawn from the
// distribution that the information is measured against.
//   I(X;Y|Z), Z discrete: KL(p(x,y,z) || p(x|z) p(y|z) p(z)); negatives shuffle y among rows with
//     the same z, and the critic sees z (one-hot).
//   TC(H) = KL(p(h) || prod_i p(h_i)); negatives shuffle every coordinate independently across the
//     batch. TC(H | labels): shuffle each coordinate among rows with the same label; the critic
//     sees the label (one-hot).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import {
  Matrix,
  SampleInput,
  checkPaired,
  hstack,
  standardize,
  takeRows,
  toMatrixAsync,
} from '../matrix';
import { DEFAULT_ACTIVATION, DEFAULT_HIDDEN, criticScores, derangement } from './critics';
import { Float32Rows, oneHotRows, strata, stratifiedPermutation } from './batches';
import { Mlp } from './mlp';
import {
  LowerBoundName,
  LowerBoundObjective,
  checkBoundName,
  checkBoundOptions,
} from './objectives';
import {
  NeuralMiOptions,
  NeuralMiResult,
  ScoringProblem,
  criticFor,
  fitLowerBound,
  prepare,
  resolveSampling,
} from './estimators';

/** Most distinct values a discrete conditioning variable may take before it is treated as
 * continuous. */
export const MAX_STRATA = 256;

/** Discrete labels -> stratum ids, with a clear error for continuous-looking input. */
export async function labelStrata(
  labels: SampleInput,
  name: string,
): Promise<{ ids: Int32Array; count: number }> {
  const m = await toMatrixAsync(labels, name);
  const { ids, count, sizes } = strata(m);
  if (count > MAX_STRATA) {
    inputError(
      `${name} has ${count} distinct values: it must be discrete (at most ${MAX_STRATA} values)`,
    );
  }
  const singletons = sizes.filter((s) => s === 1).length;
  if (singletons > m.rows / 2)
    inputError(`${name} looks continuous: ${singletons} of its values occur only once`);
  return { ids, count };
}

/** The rows `index` of `rows` with every column independently shuffled among them (within strata of
 * `ids` when given): a sample of prod_i p(h_i) (or prod_i p(h_i | label)). Built on the JS side:
 * an estimate needs no gradient w.r.t. its data. */
export function shuffledColumnsBatch(
  rows: Float32Rows,
  index: Int32Array,
  rng: Rng,
  ids?: ArrayLike<number>,
): tf.Tensor2D {
  const n = index.length;
  const d = rows.cols;
  const out = new Float32Array(n * d);
  for (let c = 0; c < d; c++) {
    const perm = ids ? stratifiedPermutation(ids, rng) : derangement(n, rng);
    for (let i = 0; i < n; i++) out[i * d + c] = rows.data[index[perm[i]] * d + c];
  }
  return tf.tensor2d(out, [n, d]);
}

export interface NeuralTcOptions extends NeuralMiOptions {
  /** Bound to maximise. Default 'smile'. TUBA and alpha need a variable held fixed per row: not
   * here. */
  bound?: LowerBoundName;
  /** Discrete labels: estimate the conditional total correlation TC(X | labels). */
  labels?: SampleInput;
}

/** Total correlation (multi-information) of the columns of x, or TC(x | labels). */
export async function neuralTotalCorrelation(
  xInput: SampleInput,
  options: NeuralTcOptions = {},
): Promise<NeuralMiResult> {
  const bound = checkBoundName(options.bound ?? 'smile');
  checkBoundOptions(options); // before any tensor exists: a bad value must not leak a critic
  if (bound === 'tuba' || bound === 'alpha')
    inputError(`total correlation supports mine, dv, nwj, infonce, js and smile, not ${bound}`);
  const labels =
    options.labels === undefined ? undefined : await labelStrata(options.labels, 'labels');
  // Given the label, rescaling a coordinate is invertible, so TC(x | labels) allows standardising
  // within each label (as for conditional MI) and TC(x) allows it globally.
  const raw = await toMatrixAsync(xInput, 'x');
  if (labels && labels.ids.length !== raw.rows)
    inputError(`labels has ${labels.ids.length} rows, x has ${raw.rows}`);
  const x = !(options.standardize ?? true)
    ? raw
    : labels
      ? standardizeWithinStrata(raw, labels.ids, labels.count)
      : await prepare(raw, 'x', true);
  if (x.cols < 2) inputError(`total correlation needs at least 2 columns, x has ${x.cols}`);
  if (options.critic !== undefined)
    inputError(
      'total correlation uses its own critic (an MLP on the whole vector); drop the critic option',
    );
  const sampling = resolveSampling(x.rows, { ...options, negatives: 'shuffle' }, 1);
  const { rng, shuffles } = sampling;
  const critic = new Mlp(x.cols + (labels?.count ?? 0), options.hidden ?? DEFAULT_HIDDEN, 1, {
    activation: options.activation ?? DEFAULT_ACTIVATION,
    seed: rng.fork('critic').nextSeed(),
    zeroOutput: true,
  });
  const objective = new LowerBoundObjective(
    bound,
    x.cols,
    rng.fork('baseline').nextSeed(),
    options,
  );
  const xs = new Float32Rows(x, 'x');
  const onehots = labels ? new Float32Rows(oneHotRows(labels.ids, labels.count)) : undefined;
  const problem: ScoringProblem = {
    variables: critic.variables,
    score: (index, r) =>
      tf.tidy(() => {
        const ids = labels ? Array.from(index, (i) => labels.ids[i]) : undefined;
        const onehot = onehots?.take(index);
        const withLabel = (t: tf.Tensor2D) =>
          onehot ? (tf.concat([t, onehot], 1) as tf.Tensor2D) : t;
        const score = (t: tf.Tensor2D) => tf.reshape(critic.apply(withLabel(t)), [-1]);
        const h = xs.take(index);
        const marginal = Array.from({ length: shuffles }, () =>
          score(shuffledColumnsBatch(xs, index, r, ids)),
        );
        return { scores: { joint: score(h), marginal: tf.stack(marginal, 1) }, rows: h };
      }),
  };
  try {
    return await fitLowerBound(problem, objective, sampling, options, x.rows);
  } finally {
    objective.dispose();
    critic.dispose();
  }
}

/** Centre and scale each column within each stratum. Given z this is an invertible map of x, so
 * I(X;Y|Z) is unchanged, and the critic no longer has to learn where each stratum sits (with raw
 * inputs it stalls for hundreds of steps on a critic that ignores the strata). A column constant
 * (all values equal) within a stratum is only centred there. */
export function standardizeWithinStrata(m: Matrix, ids: Int32Array, count: number): Matrix {
  if (ids.length !== m.rows) inputError(`z has ${ids.length} rows, the data ${m.rows}`);
  const groups = Array.from({ length: count }, (): number[] => []);
  ids.forEach((s, i) => groups[s].push(i));
  const data = new Float64Array(m.data.length);
  for (const rows of groups) {
    if (rows.length === 0) continue;
    // The shared scale-free standardisation (any units, offsets, subnormals), per stratum.
    const part = standardize(takeRows(m, rows), 'x', true);
    rows.forEach((r, i) => data.set(part.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols));
  }
  return { data, rows: m.rows, cols: m.cols };
}

export interface NeuralCmiOptions extends NeuralMiOptions {
  /** Default 'smile'. */
  bound?: LowerBoundName;
}

/** I(X;Y|Z) for a discrete Z: negatives shuffle y among rows with the same z. The critic (default
 * 'joint', 4 shuffles per batch) scores (x, [y, onehot(z)]); x and y are standardised within each
 * stratum of z (standardize: false skips it). */
export async function neuralConditionalMi(
  xInput: SampleInput,
  yInput: SampleInput,
  zInput: SampleInput,
  options: NeuralCmiOptions = {},
): Promise<NeuralMiResult> {
  const bound = checkBoundName(options.bound ?? 'smile');
  checkBoundOptions(options); // before any tensor exists: a bad value must not leak a critic
  const z = await labelStrata(zInput, 'z');
  const doStandardize = options.standardize ?? true;
  const rawX = await toMatrixAsync(xInput, 'x');
  const rawY = await toMatrixAsync(yInput, 'y');
  const x = doStandardize ? standardizeWithinStrata(rawX, z.ids, z.count) : rawX;
  const y = doStandardize ? standardizeWithinStrata(rawY, z.ids, z.count) : rawY;
  checkPaired(x, y);
  if (z.ids.length !== x.rows)
    inputError(`x and z have mismatched lengths: ${x.rows} vs ${z.ids.length} rows`);
  if (options.negatives === 'all')
    inputError(
      "conditional MI draws its negatives within strata of z; negatives must be 'shuffle'",
    );
  const sampling = resolveSampling(
    x.rows,
    { ...options, negatives: 'shuffle', shuffles: options.shuffles ?? 4 },
    bound === 'alpha' ? 2 : 1,
  );
  const { rng, shuffles } = sampling;
  const yz = hstack(y, oneHotRows(z.ids, z.count));
  const { critic, owned } = criticFor(
    x.cols,
    yz.cols,
    options,
    rng.fork('critic').nextSeed(),
    'joint',
  );
  const objective = new LowerBoundObjective(
    bound,
    x.cols,
    rng.fork('baseline').nextSeed(),
    options,
  );
  const xs = new Float32Rows(x, 'x');
  const yzs = new Float32Rows(yz, '[y, z]');
  const problem: ScoringProblem = {
    variables: critic.variables,
    score: (index, r) => {
      const xb = xs.take(index);
      const ids = Array.from(index, (i) => z.ids[i]);
      // Rows with equal z swap y and keep z, so [y, z] can be permuted as a whole.
      const perms = Array.from({ length: shuffles }, () => stratifiedPermutation(ids, r));
      return { scores: criticScores(critic, xb, yzs.take(index), 'shuffle', perms), rows: xb };
    },
  };
  try {
    return await fitLowerBound(problem, objective, sampling, options, x.rows);
  } finally {
    objective.dispose();
    if (owned) critic.dispose();
  }
}
