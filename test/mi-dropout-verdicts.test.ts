// MI-Dropout's verdict rules (protocol §1e) on synthetic runs whose answer is known: a study where
// MI-Dropout matches the baselines and beats random pruning, one where it is clearly worse than
// Dropout, and the same runs off the protocol's data scale, which decide nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miDropout } from 'milab';

const SEEDS = [1, 2, 3, 4, 5];
const jitter = (seed: number) => ((seed * 7919) % 13) / 100; // a small fixed per-seed wobble

function trained(acc: number, seconds = 100): miDropout.TrainedRun {
  return {
    curve: [{ epoch: 1, loss: 0.4, valAccuracy: acc }],
    bestEpoch: 1,
    valAccuracy: acc,
    testAccuracy: acc,
    testLoss: 0.3,
    seconds,
    steps: 100,
    parameters: 1000,
  };
}

const layerScores = (values: number[][]) =>
  miDropout.HEAD_LAYERS.map((layer, i) => ({ layer, knn: values[i], binned: values[i], dead: [] }));

/** A seed's MI step: 4 units per layer, units 0 and 1 (the lowest MI) pruned. */
function miStep(seed: number, prune: number, random: number): miDropout.MiStepRun {
  const before = layerScores([0, 1, 2].map(() => [0.1, 0.2, 0.3, 0.6]));
  const units = Object.fromEntries(miDropout.HEAD_LAYERS.map((l) => [l, [0, 1]]));
  const step = (method: miDropout.StepMethod, acc: number, after: number[]) => ({
    method,
    fraction: 0.5,
    threshold: null,
    units,
    impliedThreshold: Object.fromEntries(miDropout.HEAD_LAYERS.map((l) => [l, 0.25])),
    run: trained(acc, 60),
    after: layerScores([0, 1, 2].map(() => after)),
  });
  return {
    seed,
    base: trained(85 + jitter(seed)),
    baseAfter: before,
    checkpoint: { epoch: 5, valAccuracy: 84, testAccuracy: 84, testLoss: 0.35 },
    checkpointSeconds: 50,
    before,
    scoringSeconds: 5,
    sweep: [step('prune', prune, [0.35 + seed / 1000, 0.65])],
    chosenFraction: 0.5,
    variants: [step('random', random, [0.2, 0.3])],
  };
}

function study(pruneShift: number, fullScale: boolean): miDropout.TextStudy {
  const config = {
    ...miDropout.CONFIGS.full.text,
    baselines: ['dropout' as const],
    variants: ['random' as const],
    depths: [3],
  };
  return {
    dataset: 'imdb',
    info: { dataset: 'imdb', trainSize: 25000, valSize: 5000, testSize: 20000, fullScale },
    config,
    miSteps: SEEDS.map((s) => miStep(s, 86 + pruneShift + jitter(s), 85 + jitter(s))),
    baselines: SEEDS.map((seed) => ({
      kind: 'dropout' as const,
      rate: 0.5,
      seed,
      run: trained(86 + jitter(seed) + 0.01 * seed),
    })),
    chosenRate: { dropout: 0.5 },
    depths: [],
  };
}

const claim = (s: miDropout.TextStudy, prefix: string) =>
  miDropout.textClaims(s).find((c) => c.claim.startsWith(prefix))!;

test('mi-dropout verdicts: comparable to Dropout and better than random pruning is reproduced', () => {
  const s = study(0.1, true);
  assert.equal(claim(s, 'A2:').verdict, 'reproduced');
  assert.equal(claim(s, 'Choosing units').verdict, 'reproduced');
  assert.equal(claim(s, 'A3').verdict, 'reproduced'); // 86.1 vs 85 continued training
  // MI rises in every layer (0.3 -> 0.5), but L2 is not the largest rise: not reproduced.
  assert.equal(claim(s, 'A4 (Fig. 2)').verdict, 'not reproduced');
  // The kept units' MI rose by retraining (0.45 -> 0.5) and random's fell (0.45 -> 0.25).
  assert.equal(claim(s, 'A4: the retained').verdict, 'reproduced');
  // 50 + 5 + 60 seconds against Dropout's 100: slower, so not more efficient.
  assert.equal(claim(s, 'A1').verdict, 'not reproduced');
});

test('mi-dropout verdicts: clearly worse than Dropout is not reproduced; off scale decides nothing', () => {
  assert.equal(claim(study(-2, true), 'A2:').verdict, 'not reproduced');
  const off = study(0.1, false);
  for (const c of miDropout.textClaims(off)) assert.equal(c.verdict, 'inconclusive', c.claim);
  const rows = miDropout.textRows([off], [{ dataset: 'ag_news', reason: 'no files' }]);
  assert.equal(rows[0].verdict, 'inconclusive');
  assert.ok(rows.slice(1).every((r) => r.verdict === 'not run here' && r.ours === null));
});

test('mi-dropout verdicts: A6 follows the sign of the depth correlations', () => {
  const withDepths = (sign: 1 | -1): miDropout.TextStudy => {
    const s = study(0.1, true);
    s.config = { ...s.config, depths: [1, 2, 3, 4] };
    // Depth 3 is the MI step's no-dropout run (MI 0.3 per unit, accuracy 85 + jitter).
    s.depths = [1, 2, 4].flatMap((depth) =>
      SEEDS.map((seed) => ({
        depth,
        hidden: [],
        seed,
        run: trained(85 + sign * (depth - 3) + jitter(seed)),
        scores: layerScores([0, 1, 2].map(() => [0.3 + sign * 0.05 * (depth - 3)])),
      })),
    );
    return s;
  };
  assert.equal(claim(withDepths(1), 'A6').verdict, 'reproduced');
  assert.equal(claim(withDepths(-1), 'A6').verdict, 'not reproduced');
});
