// Notebook 004's library side without training: the stored full-profile runs are found under the
// keys the notebook builds (a changed key would recompute an hour per seed), the committed results
// rebuild from them exactly, and the verdict rules say what the notebook states. Reads
// results/runs/004-mine-lenet (about 450 kB); well under a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { committedResults, mineLenet, runCacheDir } from 'milab';

const { CONFIGS, NOTEBOOK } = mineLenet;
type PlaneRecord = mineLenet.PlaneRecord;

function storedRuns(): Map<string, PlaneRecord> {
  const dir = runCacheDir(NOTEBOOK);
  const runs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  return new Map(runs.map((r: { key: string; value: PlaneRecord }) => [r.key, r.value]));
}

// The keys do not depend on the data (only the computation does).
const noData = {} as mineLenet.PlaneData;

test('the stored full-profile runs are found under the keys the notebook builds, and rebuild the committed results', () => {
  const stored = storedRuns();
  const config = CONFIGS.full;
  const candidates = mineLenet.optimizerJobs(noData, config).map((job) => stored.get(job.key));
  assert.ok(candidates.every(Boolean), 'an optimiser run key changed');
  const comparison = mineLenet.chooseOptimizer(candidates as PlaneRecord[]);
  assert.equal(comparison.chosen.name, 'SGD, momentum 0.9');
  const records = mineLenet
    .seedJobs(noData, config, comparison.chosen.optimizer)
    .map((job) => stored.get(job.key));
  assert.ok(records.length === 3 && records.every(Boolean), 'a seed run key changed');
  const rebuilt = mineLenet.results(records as PlaneRecord[], config);
  const committed = committedResults(NOTEBOOK);
  assert.ok(committed, 'results/004-mine-lenet.json is committed');
  assert.deepEqual(rebuilt.rows, committed.rows);
  assert.deepEqual(rebuilt.claims, committed.claims);
});

test('every profile builds its runs; only the full one is at the paper scale', () => {
  for (const profile of ['smoke', 'quick', 'full'] as const) {
    const config = CONFIGS[profile];
    const jobs = mineLenet.seedJobs(noData, config, { name: 'adam', learningRate: 3e-4 });
    assert.equal(jobs.length, config.seeds.length);
    assert.equal(mineLenet.paperScale(config), profile === 'full');
    assert.match(
      mineLenet.describeConfig(config),
      new RegExp(`${config.seeds.length} seed\\(s\\)`),
    );
  }
});

test('the verdict rules', () => {
  const s = (mean: number, sd: number) => ({ mean, sd, n: 3 });
  assert.equal(mineLenet.accuracyVerdict(s(97.5, 0.1), 97, true), 'reproduced');
  assert.equal(mineLenet.accuracyVerdict(s(88, 0.6), 70, true), 'not reproduced');
  assert.equal(mineLenet.accuracyVerdict(s(90, 5), 97, true), 'reproduced', 'within 2 sd');
  assert.equal(
    mineLenet.accuracyVerdict(s(97, 0), 97, false),
    'inconclusive',
    'not at the paper scale',
  );

  const counts = (converged: number, exploded = 0) => ({
    converged,
    exploded,
    underestimated: 0,
    'not converged': 0,
  });
  assert.equal(
    mineLenet.table2Verdict(counts(2), 'converged'),
    'inconclusive',
    'fewer than MIN_RUNS_FOR_VERDICT runs',
  );
  assert.equal(mineLenet.MIN_RUNS_FOR_VERDICT, 3);
  assert.equal(mineLenet.table2Verdict(counts(2, 1), 'converged'), 'reproduced');
  assert.equal(
    mineLenet.table2Verdict(counts(2, 2), 'converged'),
    'inconclusive',
    'half is not more than half',
  );
  assert.equal(mineLenet.table2Verdict(counts(4), 'exploded'), 'not reproduced');

  const st = (runs: number, failing: number, converged = runs - failing) => ({
    runs,
    failing,
    counts: { ...counts(converged), exploded: failing },
  });
  assert.equal(mineLenet.stabilityVerdict(st(10, 1), st(10, 3)), 'reproduced');
  assert.equal(mineLenet.stabilityVerdict(st(10, 2), st(10, 2)), 'not reproduced');
  assert.equal(mineLenet.stabilityVerdict(st(4, 2), st(4, 2)), 'inconclusive', 'too few runs');

  assert.equal(mineLenet.transferVerdict(1, 10), 'reproduced');
  assert.equal(mineLenet.transferVerdict(2, 7), 'inconclusive');
  assert.equal(mineLenet.transferVerdict(5, 4), 'not reproduced');
  assert.equal(mineLenet.transferVerdict(NaN, 4), 'inconclusive');
  assert.deepEqual([10, 5, 3].map(mineLenet.freshRowVerdict), [
    'reproduced',
    'inconclusive',
    'not reproduced',
  ]);
  assert.deepEqual([2, 3, 5].map(mineLenet.warmRowVerdict), [
    'reproduced',
    'inconclusive',
    'not reproduced',
  ]);
  assert.deepEqual([[3, 1, 2, NaN], [4, 1, 3, 2], []].map(mineLenet.median), [2, 2, NaN]);
});
