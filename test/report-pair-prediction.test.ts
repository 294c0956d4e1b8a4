// Pair prediction: pairs that differ in exactly one factor within a group, and how often a signal
// picks the better network, checked on hand-made records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, pairsDifferingInOneFactor, scorePairs } from 'milab';

const record = (opt: string, reg: string, seed: number, loss: number, acc: number) => ({
  labels: { type: 'FCN', seed, optimizer: opt, regularizer: reg },
  signals: { loss, mi: -loss },
  outcome: acc,
});

const records = [
  record('sgd', 'none', 1, 0.5, 80),
  record('adam', 'none', 1, 0.2, 85),
  record('sgd', 'l2', 1, 0.4, 82),
  record('adam', 'l2', 1, 0.3, 84),
  record('sgd', 'none', 2, 0.1, 70), // another seed: never paired with seed 1
];

test('pairsDifferingInOneFactor: one factor apart, within the group, each pair once', () => {
  const pairs = pairsDifferingInOneFactor(records, {
    within: ['type', 'seed'],
    factors: ['optimizer', 'regularizer'],
  });
  // Seed 1 is a 2 x 2 grid: 4 pairs differ in one factor; the 2 diagonals differ in both.
  assert.equal(pairs.length, 4);
  assert.deepEqual(pairs.map((p) => p.factor).sort(), [
    'optimizer',
    'optimizer',
    'regularizer',
    'regularizer',
  ]);
  assert.ok(pairs.every((p) => p.a.labels.seed === 1 && p.b.labels.seed === 1));
  assert.throws(
    () => pairsDifferingInOneFactor(records, { within: ['depth'], factors: ['optimizer'] }),
    MilabInputError,
  );
});

test('scorePairs: direction, signal ties as one half, outcome ties left out', () => {
  const pairs = pairsDifferingInOneFactor(records, {
    within: ['type', 'seed'],
    factors: ['optimizer', 'regularizer'],
  });
  // Lower loss predicts higher accuracy in all 4 pairs: (sgd,none)-(adam,none) 0.5/80 vs 0.2/85,
  // (sgd,none)-(sgd,l2) 0.5/80 vs 0.4/82, (adam,none)-(adam,l2) 0.2/85 vs 0.3/84,
  // (sgd,l2)-(adam,l2) 0.4/82 vs 0.3/84.
  assert.deepEqual(scorePairs(pairs, 'loss', { direction: -1 }), {
    score: 1,
    pairs: 4,
    right: 4,
    wrong: 0,
    signalTies: 0,
    outcomeTies: 0,
  });
  assert.equal(scorePairs(pairs, 'loss', { direction: 1 }).score, 0);
  assert.equal(scorePairs(pairs, 'mi', { direction: 1 }).score, 1);
  const tolerant = scorePairs(pairs, 'loss', {
    direction: -1,
    signalTolerance: 0.15,
    outcomeTolerance: 1,
  });
  // |Δacc| <= 1 leaves out (adam,none)-(adam,l2); the other three have |Δloss| 0.3, 0.1, 0.1.
  assert.equal(tolerant.outcomeTies, 1);
  assert.equal(tolerant.signalTies, 2);
  assert.equal(tolerant.score, (1 + 2 / 2) / 3);
  assert.throws(() => scorePairs(pairs, 'nope', { direction: 1 }), MilabInputError);
});
