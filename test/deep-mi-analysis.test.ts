// Deep-MI's scoring and verdict rules (protocol §3e) on synthetic networks whose answers are known
// by hand: signals that always, never or half the time pick the better network; McNemar on the
// pairs where MI and loss disagree; the collapsed-network control; the CIFAR-10 row rule; the
// phase and DPI counts of the information planes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepMi } from 'milab';

type Cell = Pick<deepMi.GridRun, 'type' | 'optimizer' | 'regularizer' | 'seed'>;

const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
const REGULARIZERS = ['none', 'l2', 'dropout'] as const;

/** A network whose test accuracy is `test`; every signal is derived from `signals`. */
function net(cell: Cell, test: number, signals: Partial<deepMi.GridSignals> = {}): deepMi.GridRun {
  return {
    ...cell,
    noise: 0,
    testAccuracy: test,
    signals: {
      trainAccuracy: test,
      trainLoss: 1 - test / 100,
      trainMi: test / 100,
      softmaxEntropy: 1,
      trainMi10: test / 100,
      trainMi100: test / 100,
      trainMiBinSize: test / 100,
      hiddenMi: test / 100,
      hiddenKdeMi: test / 100,
      heldOutAccuracy: test,
      ...signals,
    },
    softmaxSaturated: false,
    hiddenSaturated: false,
    collapsed: test < 20,
    curve: [],
    steps: 1,
    seconds: 1,
  };
}

/** The full 4 x 3 grid of one type on `seeds`, test accuracy from a fixed formula. */
function grid(
  seeds: number[],
  signals: (test: number, i: number) => Partial<deepMi.GridSignals> = () => ({}),
): deepMi.GridRun[] {
  const runs: deepMi.GridRun[] = [];
  for (const seed of seeds)
    OPTIMIZERS.forEach((optimizer, o) =>
      REGULARIZERS.forEach((regularizer, r) => {
        const test = 60 + 5 * o + 2 * r + seed / 10;
        runs.push(
          net({ type: 'FCN-3', optimizer, regularizer, seed }, test, signals(test, runs.length)),
        );
      }),
    );
  return runs;
}

test('one-factor pairs: 30 per type and seed, as the protocol counts them', () => {
  assert.equal(deepMi.gridPairs(grid([1])).length, 3 * 6 + 4 * 3);
  assert.equal(deepMi.gridPairs(grid([1, 2])).length, 60);
  assert.equal(deepMi.gridPairs(grid([1]), 'all pairs').length, (12 * 11) / 2);
});

test('a signal that follows test accuracy scores 100 %, its reverse 0 %, with tau-b 1 and -1', () => {
  const runs = grid([1, 2, 3], (t) => ({ trainMi: t, trainLoss: t }));
  const mi = deepMi.scoreSignal(runs, deepMi.signal('trainMi'));
  assert.equal(mi.score.estimate, 100);
  assert.deepEqual(mi.score.ci, [100, 100]);
  assert.equal(mi.perSeed.n, 3);
  assert.equal(mi.tau, 1);
  // trainLoss = test and lower is "better": always wrong.
  const loss = deepMi.scoreSignal(runs, deepMi.signal('trainLoss'));
  assert.equal(loss.score.estimate, 0);
  assert.equal(loss.tau, -1);
});

test("D7's advantage: MI minus the better baseline, with a bootstrap interval", () => {
  // Train accuracy is perfect too, so MI's advantage is exactly 0 in every resample.
  const tie = deepMi.miAdvantage(grid([1, 2, 3]));
  assert.equal(tie.estimate, 0);
  assert.deepEqual(tie.ci, [0, 0]);
  // Accuracy and loss constant (all signal ties: 50 %), MI perfect: +50 points.
  const runs = grid([1, 2, 3], (t) => ({ trainAccuracy: 90, trainLoss: 0.1, trainMi: t }));
  const adv = deepMi.miAdvantage(runs);
  assert.equal(adv.estimate, 50);
  assert.ok(adv.ci[0] > 0, `interval ${adv.ci}`);
});

test('McNemar counts only the pairs where the two signals disagree', () => {
  // MI follows test accuracy; loss follows it except that it reverses on odd runs' pairs.
  const runs = grid([1], (t, i) => ({ trainMi: t, trainLoss: i % 2 === 0 ? -t : t }));
  const pairs = deepMi.gridPairs(runs);
  const d = deepMi.discordance(pairs, deepMi.signal('trainMi'), deepMi.signal('trainLoss'));
  let wrongLoss = 0;
  for (const { a, b } of pairs) {
    const lossPicksB = b.signals.trainLoss < a.signals.trainLoss;
    if (lossPicksB !== b.outcome > a.outcome) wrongLoss++;
  }
  assert.equal(d.pairs, wrongLoss);
  assert.equal(d.firstRight, wrongLoss);
  assert.equal(d.secondRight, 0);
  assert.ok(d.p < 0.05);
});

test('collapsed networks: counted, and the advantage recomputed without them', () => {
  const runs = grid([1, 2, 3]).map((r) =>
    r.optimizer === 'sgd' ? net(r, 10, { trainMi: 0.5 }) : r,
  );
  const c = deepMi.collapseAnalysis(runs);
  assert.equal(c.collapsedRuns, 9);
  assert.ok(c.collapsedPairs > 0 && c.collapsedPairs < c.pairs);
  assert.ok(c.advantageWithout);
});

test('rows: inconclusive on the stand-in, judged against the poster only on CIFAR-10', () => {
  const study = (dataset: 'fashion-mnist' | 'cifar10', seeds: number[]): deepMi.GridStudy => ({
    info: { dataset, trainSize: 100, heldOutSize: 10, testSize: 100 },
    config: deepMi.CONFIGS.full.grid,
    runs: grid(seeds, (t) => ({ trainMi: t, trainLoss: -t })),
    noise: [],
  });
  const notRun = { reason: 'data not available offline' };
  const fashion = deepMi.tableRows(study('fashion-mnist', [1, 2, 3]), notRun, 'full');
  const fcn3 = fashion.filter((r) => r.row.startsWith('FCN-3') && r.row.includes('Fashion'));
  assert.equal(fcn3.length, 3);
  assert.ok(fcn3.every((r) => r.verdict === 'inconclusive'));
  assert.ok(fashion.some((r) => r.row.startsWith('FCN-6') && r.verdict === 'not run here'));
  assert.equal(fashion.filter((r) => r.row.includes('CIFAR-10')).length, 18);
  // On CIFAR-10: MI scores 100 [100, 100] (paper 90.06: outside), accuracy 100 (paper 36.7).
  const cifar = deepMi.tableRows(
    study('fashion-mnist', [1, 2, 3]),
    study('cifar10', [1, 2, 3]),
    'full',
  );
  const judged = cifar.filter((r) => r.row.startsWith('FCN-3') && r.row.includes('CIFAR-10'));
  assert.ok(
    judged.every((r) => r.verdict === 'not reproduced'),
    JSON.stringify(judged),
  );
  const comparison = deepMi.tableComparisonClaim(study('fashion-mnist', [1, 2, 3]));
  assert.equal(comparison.verdict, 'inconclusive');
  assert.match(comparison.evidence, /inside our 95 % interval in 0 of 3 cells/);
  // Two seeds decide nothing.
  const few = deepMi.tableRows(study('fashion-mnist', [1]), study('cifar10', [1, 2]), 'full');
  assert.ok(
    few
      .filter((r) => r.row.includes('CIFAR-10'))
      .every((r) => r.verdict !== 'reproduced' && r.verdict !== 'not reproduced'),
  );
});

test("D7's claim follows the interval of the advantage, and needs 3 seeds", () => {
  const good = grid([1, 2, 3], (t) => ({ trainAccuracy: 90, trainLoss: 0.1, trainMi: t }));
  const bad = grid([1, 2, 3], (t) => ({ trainMi: -t }));
  const claim = (runs: deepMi.GridRun[]) =>
    deepMi.predictorClaims({
      info: { dataset: 'fashion-mnist', trainSize: 1, heldOutSize: 1, testSize: 1 },
      config: deepMi.CONFIGS.full.grid,
      runs,
      noise: [],
    })[0];
  assert.equal(claim(good).verdict, 'reproduced');
  assert.equal(claim(bad).verdict, 'not reproduced');
  assert.equal(claim(good.filter((r) => r.seed === 1)).verdict, 'inconclusive');
});

test('phases and DPI from plane entries', () => {
  const entry = (epoch: number, layer: string, ixt: number, ity: number) => ({
    epoch,
    layer,
    measurer: 'binned',
    ixt,
    ity,
    details: { saturated: false },
  });
  // hidden1 rises then falls (compression), hidden2 only rises; hidden2's I(T;Y) exceeds
  // hidden1's at epoch 2 (a DPI violation).
  const plane = (seed: number): deepMi.PlaneRun => ({
    activation: 'tanh',
    optimizer: 'adam',
    seed,
    accuracy: [90, 95, 96],
    loss: [0.3, 0.2, 0.1],
    layers: ['hidden1', 'hidden2'],
    entries: [
      entry(0, 'hidden1', 2, 1),
      entry(1, 'hidden1', 3, 1.5),
      entry(2, 'hidden1', 2.5, 1.6),
      entry(0, 'hidden2', 1, 0.5),
      entry(1, 'hidden2', 1.5, 1),
      entry(2, 'hidden2', 2 + seed / 100, 2),
    ],
    seconds: 1,
  });
  const cells = deepMi.phaseCells([plane(1), plane(2), plane(3)]);
  const h1 = cells.find((c) => c.layer === 'hidden1')!;
  const h2 = cells.find((c) => c.layer === 'hidden2')!;
  assert.equal(h1.compression, true);
  assert.equal(h1.fitting, true);
  assert.equal(h1.peakEpoch, 1);
  assert.equal(h2.compression, false);
  assert.deepEqual(deepMi.dpiViolations([plane(1)]), { violations: 1, checks: 3 });
  const [d4] = deepMi.planeClaims({
    info: { dataset: 'mnist', trainSize: 1, heldOutSize: 0, testSize: 1 },
    config: deepMi.CONFIGS.full.planes,
    runs: [plane(1), plane(2), plane(3)],
  });
  assert.equal(d4.verdict, 'reproduced'); // the one configuration shows both phases
});
