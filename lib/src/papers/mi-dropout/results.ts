// MI-Dropout's tables, claims and results rows from the study's runs, by the rules of protocol §1e
// fixed before any run: paired 95 % t intervals over seeds, a non-inferiority margin of 0.5
// accuracy points, nothing decided below MIN_SEEDS_FOR_VERDICT seeds or off the protocol's data
// scale (the quick and smoke profiles decide nothing).
import { spearman } from '../../explore/correlation';
import type { LineSeries } from '../../display/plot';
import type { DropoutKind } from '../../nn/dropout';
import { Rng } from '../../random/rng';
import {
  notRunRow,
  type Claim,
  type NotRunRow,
  type ResultRow,
  type Verdict,
} from '../../report/results';
import { pairedComparison } from '../../report/paired-stats';
import { summarize } from '../../report/summary';
import {
  MIN_SEEDS_FOR_VERDICT,
  combineVerdicts,
  judgeBaselineRow,
  judgeBeatsBaseline,
  judgeNonInferior,
} from '../../report/verdicts';
import { networkAverageMi } from './baselines';
import type { EpochPoint } from './experiment';
import type { StepMethod, StepRun, MiStepRun } from './mi-step';
import {
  BASELINE_LABELS,
  HEAD_LAYERS,
  RELEASED_MNIST,
  type BaselineKind,
  type PaperDataset,
} from './paper';
import { decomposeMi, keptUnits, type MiDecomposition } from './selection';
import { RELEASED_DROPOUT, type ReleasedStudy, type TextStudy } from './study';

/** The non-inferiority margin (accuracy points), fixed before any run (protocol §1e). */
export const MARGIN = 0.5;

export const DATASET_LABELS: Readonly<Record<PaperDataset, string>> = {
  imdb: 'IMDB',
  ag_news: 'AG_NEWS',
  yelp_polarity: 'Yelp polarity',
};

export const STEP_LABELS: Readonly<Record<StepMethod, string>> = {
  prune: 'MI-Dropout (prune and retrain, §II-A)',
  algorithm1: 'MI-Dropout (drop low-MI units, p = 0.5, Algorithm 1)',
  reinit: "MI-Dropout (re-initialise, the released code's intent)",
  random: 'control: random units pruned',
  magnitude: 'control: smallest outgoing weights pruned',
  inverse: 'control: highest-MI units pruned',
};

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The run of `method` at the seed's chosen fraction ('prune' comes from the sweep). */
export function stepRun(step: MiStepRun, method: StepMethod): StepRun | undefined {
  if (method === 'prune')
    return step.sweep.find((s) => s.method === 'prune' && s.fraction === step.chosenFraction);
  return step.variants.find((s) => s.method === method);
}

/** Test accuracies of `method` over the seeds that ran it, with those seeds. */
function stepAccuracies(study: TextStudy, method: StepMethod): { seeds: number[]; acc: number[] } {
  const pairs = study.miSteps
    .map((s) => [s.seed, stepRun(s, method)?.run.testAccuracy] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined);
  return { seeds: pairs.map((p) => p[0]), acc: pairs.map((p) => p[1]) };
}

/** Test accuracy of a baseline kind at a rate, by seed. */
function baselineBySeed(study: TextStudy, kind: DropoutKind, rate: number): Map<number, number> {
  return new Map(
    study.baselines
      .filter((b) => b.kind === kind && b.rate === rate)
      .map((b) => [b.seed, b.run.testAccuracy]),
  );
}

/** Two per-seed series restricted to the seeds both have, in the same order. */
function paired(
  a: { seeds: number[]; acc: number[] },
  b: Map<number, number>,
): { treated: number[]; baseline: number[] } {
  const treated: number[] = [];
  const baseline: number[] = [];
  a.seeds.forEach((seed, i) => {
    const v = b.get(seed);
    if (v !== undefined) {
      treated.push(a.acc[i]);
      baseline.push(v);
    }
  });
  return { treated, baseline };
}

const bySeed = (values: Array<[number, number]>) => new Map(values);

/** One line per method of the text study: test accuracy and what the method cost. */
export function accuracyRecords(study: TextStudy): Array<Record<string, string | number>> {
  const line = (method: string, setting: string, acc: number[], val: number[], secs: number[]) => {
    const a = summarize(acc);
    return {
      method,
      setting,
      'test accuracy %': `${fmt(a.mean)} ± ${fmt(a.sd)}`,
      'validation %': fmt(summarize(val).mean),
      seeds: a.n,
      'seconds per run': fmt(summarize(secs).mean, 0),
    };
  };
  const out = [
    line(
      'no dropout',
      `${study.config.epochs + study.config.retrainEpochs} epochs`,
      study.miSteps.map((s) => s.base.testAccuracy),
      study.miSteps.map((s) => s.base.valAccuracy),
      study.miSteps.map((s) => s.base.seconds),
    ),
  ];
  for (const kind of study.config.baselines) {
    const rates = [...new Set(study.baselines.filter((b) => b.kind === kind).map((b) => b.rate))];
    for (const rate of rates.sort()) {
      const runs = study.baselines.filter((b) => b.kind === kind && b.rate === rate);
      if (runs.length === 0) continue;
      const chosen = study.chosenRate[kind] === rate ? ' (chosen)' : '';
      out.push(
        line(
          BASELINE_LABELS[kind as BaselineKind],
          `p = ${rate}${chosen}`,
          runs.map((r) => r.run.testAccuracy),
          runs.map((r) => r.run.valAccuracy),
          runs.map((r) => r.run.seconds),
        ),
      );
    }
  }
  for (const method of ['prune', ...study.config.variants] as StepMethod[]) {
    const runs = study.miSteps.map((s) => ({ step: s, run: stepRun(s, method) }));
    const done = runs.filter((r) => r.run !== undefined);
    if (done.length === 0) continue;
    const fractions = [...new Set(done.map((r) => r.step.chosenFraction))].join(', ');
    out.push(
      line(
        STEP_LABELS[method],
        `E + E_r epochs, f = ${fractions}`,
        done.map((r) => r.run!.run.testAccuracy),
        done.map((r) => r.run!.run.valAccuracy),
        // The whole pipeline: E epochs, scoring, E_r epochs of retraining.
        done.map((r) => r.step.checkpointSeconds + r.step.scoringSeconds + r.run!.run.seconds),
      ),
    );
  }
  const threshold = study.miSteps
    .map((s) => s.sweep.find((r) => r.threshold !== null))
    .filter((r): r is StepRun => r !== undefined);
  if (threshold.length > 0) {
    out.push(
      line(
        "MI-Dropout at the released code's t = 0.05 nats",
        'E + E_r epochs',
        threshold.map((r) => r.run.testAccuracy),
        threshold.map((r) => r.run.valAccuracy),
        threshold.map((r) => r.run.seconds),
      ),
    );
  }
  return out;
}

/** Mean test and validation accuracy of each swept fraction, and what it removes. */
export function sweepRecords(study: TextStudy): Array<Record<string, string | number>> {
  const keys = new Map<string, StepRun[]>();
  for (const step of study.miSteps) {
    for (const run of step.sweep) {
      const k = run.fraction !== null ? `f = ${run.fraction}` : `t = ${run.threshold} nats`;
      keys.set(k, [...(keys.get(k) ?? []), run]);
    }
  }
  return [...keys].map(([candidate, runs]) => {
    const removed = HEAD_LAYERS.map((l) =>
      fmt(summarize(runs.map((r) => r.units[l].length)).mean, 0),
    );
    const implied = HEAD_LAYERS.map((l) =>
      fmt(summarize(runs.map((r) => r.impliedThreshold[l])).mean, 3),
    );
    return {
      candidate,
      'units removed (L1, L2, L3)': removed.join(', '),
      'implied t, nats (L1, L2, L3)': implied.join(', '),
      'validation %': fmt(summarize(runs.map((r) => r.run.valAccuracy)).mean),
      'test %': fmt(summarize(runs.map((r) => r.run.testAccuracy)).mean),
      'chosen on seeds': study.miSteps.filter((s) =>
        s.sweep.some((r) => runs.includes(r) && r.fraction === s.chosenFraction),
      ).length,
    };
  });
}

/** Fig. 2 per layer for one method: the decomposition of the MI change, per seed. */
export function decomposition(
  study: TextStudy,
  method: StepMethod,
): Record<string, MiDecomposition[]> {
  const out: Record<string, MiDecomposition[]> = {};
  HEAD_LAYERS.forEach((layer, i) => {
    out[layer] = study.miSteps.flatMap((step) => {
      const run = stepRun(step, method);
      if (!run) return [];
      const width = step.before[i].knn.length;
      const kept =
        method === 'prune' || method === 'random' || method === 'magnitude' || method === 'inverse'
          ? keptUnits(width, run.units[layer])
          : Array.from({ length: width }, (_, u) => u);
      return [decomposeMi(step.before[i].knn, kept, run.after[i].knn)];
    });
  });
  return out;
}

/** The continued-training control of Fig. 2: the no-dropout network's MI at its kept epoch minus
 * its MI at the checkpoint (every unit kept). */
export function continuedDecomposition(study: TextStudy): Record<string, MiDecomposition[]> {
  return Object.fromEntries(
    HEAD_LAYERS.map((layer, i) => [
      layer,
      study.miSteps.map((s) =>
        decomposeMi(
          s.before[i].knn,
          s.before[i].knn.map((_, u) => u),
          s.baseAfter[i].knn,
        ),
      ),
    ]),
  );
}

/** Spearman rank agreement of the k-NN and binned per-unit MI at the checkpoint, per layer. */
export function rankAgreement(study: TextStudy): Record<string, number[]> {
  return Object.fromEntries(
    HEAD_LAYERS.map((layer, i) => [
      layer,
      study.miSteps.map((s) => spearman(s.before[i].knn, s.before[i].binned)),
    ]),
  );
}

/** A percentile bootstrap interval of a statistic of the seeds (whole seeds resampled). */
function bootstrapOverSeeds<T>(
  groups: readonly T[],
  statistic: (sample: readonly T[]) => number,
  seed = 0,
  resamples = 2000,
): [number, number] {
  const rng = new Rng(seed).fork('bootstrap');
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = groups.map(() => groups[rng.int(groups.length)]);
    let v = NaN;
    try {
      v = statistic(sample);
    } catch {
      // A resample with too few distinct points has no statistic: left out of the interval.
    }
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  if (values.length === 0) return [NaN, NaN];
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
  return [at(0.025), at(0.975)];
}

export interface DepthPoint {
  depth: number;
  seed: number;
  testAccuracy: number;
  averageMi: number;
}

/** Every depth's runs, the main head's depth taken from the MI step's no-dropout runs. */
export function depthPoints(study: TextStudy): DepthPoint[] {
  const main = study.miSteps.map((s) => ({
    depth: study.config.hidden.length,
    seed: s.seed,
    testAccuracy: s.base.testAccuracy,
    averageMi: networkAverageMi(s.baseAfter),
  }));
  const others = study.depths.map((d) => ({
    depth: d.depth,
    seed: d.seed,
    testAccuracy: d.run.testAccuracy,
    averageMi: networkAverageMi(d.scores),
  }));
  return [...main, ...others].sort((a, b) => a.depth - b.depth || a.seed - b.seed);
}

function depthCorrelation(points: DepthPoint[], of: 'testAccuracy' | 'averageMi') {
  const rho = (sample: readonly DepthPoint[]) =>
    spearman(
      sample.map((p) => p.depth),
      sample.map((p) => p[of]),
    );
  const seeds = [...new Set(points.map((p) => p.seed))];
  const groups = seeds.map((s) => points.filter((p) => p.seed === s));
  const ci = bootstrapOverSeeds(groups, (sample) => rho(sample.flat()));
  return { rho: rho(points), ci, seeds: seeds.length };
}

export interface Judged {
  verdict: Verdict;
  evidence: string;
}

function seedsNote(n: number, comparable: boolean): string | null {
  if (!comparable) return "not at the protocol's data scale, so nothing is decided";
  if (n < MIN_SEEDS_FOR_VERDICT)
    return `only ${n} seed(s); at least ${MIN_SEEDS_FOR_VERDICT} are needed`;
  return null;
}

/** The claims of the text judged on one text study (protocol §1e). */
export function textClaims(study: TextStudy): Claim[] {
  const comparable = study.info.fullScale;
  const on = `on ${DATASET_LABELS[study.dataset]} (encoder ≠ ALBERT)`;
  const claims: Claim[] = [];
  const prune = stepAccuracies(study, 'prune');

  // A2: non-inferior to every baseline at its chosen rate.
  const a2 = study.config.baselines.map((kind) => {
    const rate = study.chosenRate[kind]!;
    const { treated, baseline } = paired(prune, baselineBySeed(study, kind, rate));
    return {
      kind,
      judged: judgeNonInferior(treated, baseline, MARGIN, {
        comparable,
        difference: `MI-Dropout − ${BASELINE_LABELS[kind as BaselineKind]} (p = ${rate})`,
      }),
    };
  });
  if (a2.length > 0) {
    const worse = a2.some((p) => p.judged.classification === 'worse');
    const all = a2.every((p) => p.judged.verdict === 'reproduced');
    claims.push({
      claim: `A2: MI-Dropout generalizes comparably or better than the four dropout baselines, ${on}`,
      verdict: worse ? 'not reproduced' : all ? 'reproduced' : 'inconclusive',
      evidence: a2.map((p) => p.judged.evidence).join('; '),
    });
  }

  // MI selection matters: prune vs random prune of the same count.
  const random = stepAccuracies(study, 'random');
  if (random.acc.length > 0) {
    const { treated, baseline } = paired(
      prune,
      bySeed(random.seeds.map((s, i) => [s, random.acc[i]])),
    );
    const j = judgeBeatsBaseline(0, treated, baseline, comparable, 'MI prune − random prune');
    const deadShare = summarize(
      study.miSteps
        .map((s) => {
          const run = stepRun(s, 'prune');
          if (!run) return NaN;
          const removed = HEAD_LAYERS.flatMap((l, i) =>
            run.units[l].map((u) => s.before[i].dead.includes(u)),
          );
          return removed.length ? (100 * removed.filter(Boolean).length) / removed.length : 0;
        })
        .filter(Number.isFinite),
    );
    claims.push({
      claim: `Choosing units by their MI matters: MI-Dropout beats pruning as many random units, ${on}`,
      verdict: j.verdict,
      evidence: `${j.evidence}; ${fmt(deadShare.mean, 0)} % of the units MI removed were dead (constant) at the checkpoint`,
    });
  }

  // A3: beats continued training (the no-dropout run's same extra epochs).
  {
    const base = bySeed(study.miSteps.map((s) => [s.seed, s.base.testAccuracy]));
    const { treated, baseline } = paired(prune, base);
    const j = judgeBeatsBaseline(
      0,
      treated,
      baseline,
      comparable,
      'MI-Dropout − continued training',
    );
    const before = summarize(study.miSteps.map((s) => s.checkpoint.testAccuracy));
    claims.push({
      claim: `A3: the pruned and retrained model tests better than the network before pruning, trained as long, ${on}`,
      verdict: j.verdict,
      evidence: `${j.evidence}; the checkpoint itself (epoch ${study.config.epochs}) tests ${fmt(before.mean)} ± ${fmt(before.sd)} %`,
    });
  }

  // A4: MI rises per layer (and most in the middle); the retraining part beyond random's.
  {
    const d = decomposition(study, 'prune');
    const dr = decomposition(study, 'random');
    const note = seedsNote(prune.acc.length, comparable);
    // The 95 % t interval of a mean (the paired interval against 0).
    const ci = (values: number[]): [number, number] =>
      values.length > 1
        ? pairedComparison(
            values,
            values.map(() => 0),
          ).ci95
        : [-Infinity, Infinity];
    const perLayer = HEAD_LAYERS.map((l) => {
      const total = d[l].map((x) => x.total);
      const retraining = d[l].map((x) => x.retraining);
      return {
        layer: l,
        total: summarize(total).mean,
        totalCi: ci(total),
        retraining,
        retrainingCi: ci(retraining),
      };
    });
    const rising = perLayer.filter((p) => p.totalCi[0] > 0).length;
    const largest = perLayer.reduce((a, b) => (b.total > a.total ? b : a)).layer;
    const stated = perLayer
      .map(
        (p) =>
          `${p.layer} ΔMI ${fmt(p.total, 4)} (CI ${fmt(p.totalCi[0], 4)} .. ${fmt(p.totalCi[1], 4)})`,
      )
      .join(', ');
    let verdict: Verdict = 'inconclusive';
    if (!note)
      verdict =
        rising >= 2 && largest === 'L2'
          ? 'reproduced'
          : rising >= 2
            ? 'not reproduced'
            : perLayer.every((p) => p.totalCi[1] < 0)
              ? 'not reproduced'
              : 'inconclusive';
    claims.push({
      claim: `A4 (Fig. 2): each layer's average MI rises after MI-Dropout and retraining, most in the middle layer, ${on}`,
      verdict,
      evidence: `${stated}; largest in ${largest}${note ? `; ${note}` : ''}`,
    });
    // Retained neurons keep improving: the retraining part, beyond the random control's.
    const parts = HEAD_LAYERS.map((l) => {
      const mine = d[l].map((x) => x.retraining);
      const theirs = dr[l].map((x) => x.retraining);
      const n = Math.min(mine.length, theirs.length);
      if (n === 0)
        return { layer: l, verdict: 'inconclusive' as Verdict, text: `${l}: no random control` };
      const beyond = judgeBeatsBaseline(
        0,
        mine.slice(0, n),
        theirs.slice(0, n),
        comparable,
        `${l} retraining part − random's`,
      );
      const own = ci(mine);
      const v: Verdict =
        own[0] > 0 && beyond.verdict === 'reproduced'
          ? 'reproduced'
          : own[1] < 0 || beyond.verdict === 'not reproduced'
            ? 'not reproduced'
            : 'inconclusive';
      return {
        layer: l,
        verdict: note ? ('inconclusive' as Verdict) : v,
        text: `${l}: retraining part ${fmt(summarize(mine).mean, 4)} (CI ${fmt(own[0], 4)} .. ${fmt(own[1], 4)}); ${beyond.evidence}`,
      };
    });
    claims.push({
      claim: `A4: the retained neurons keep improving in retraining (the part of the MI rise not due to removing low values, beyond pruning at random), ${on}`,
      verdict: combineVerdicts(parts.map((p) => p.verdict)),
      evidence: parts.map((p) => p.text).join('; '),
    });
  }

  // A6: deeper heads, higher average MI and better accuracy.
  const points = depthPoints(study);
  const depths = new Set(points.map((p) => p.depth));
  // Spearman needs 3 points; fewer (the smoke profile) say so instead of deciding.
  if (depths.size > 1 && points.length >= 3) {
    const mi = depthCorrelation(points, 'averageMi');
    const acc = depthCorrelation(points, 'testAccuracy');
    const note = seedsNote(mi.seeds, comparable);
    let verdict: Verdict = 'inconclusive';
    if (!note)
      verdict =
        mi.ci[0] > 0 && acc.ci[0] > 0
          ? 'reproduced'
          : mi.ci[1] < 0 || acc.ci[1] < 0
            ? 'not reproduced'
            : 'inconclusive';
    claims.push({
      claim: `A6: deeper networks have higher average MI and generalize better, ${on}`,
      verdict,
      evidence:
        `Spearman ρ(depth, average MI) ${fmt(mi.rho)} (bootstrap over seeds 95% ${fmt(mi.ci[0])} .. ${fmt(mi.ci[1])}), ` +
        `ρ(depth, test accuracy) ${fmt(acc.rho)} (${fmt(acc.ci[0])} .. ${fmt(acc.ci[1])}); depths ${[...depths].join(', ')}, ${mi.seeds} seed(s)` +
        (note ? `; ${note}` : ''),
    });
  }

  // A1: more efficient: wall-clock to the reported model vs Dropout trained as long.
  const dropoutRate = study.chosenRate.dropout;
  if (dropoutRate !== undefined) {
    const pipeline = study.miSteps.flatMap((s) => {
      const run = stepRun(s, 'prune');
      return run
        ? [[s.seed, s.checkpointSeconds + s.scoringSeconds + run.run.seconds] as [number, number]]
        : [];
    });
    const dropoutSecs = new Map(
      study.baselines
        .filter((b) => b.kind === 'dropout' && b.rate === dropoutRate)
        .map((b) => [b.seed, b.run.seconds]),
    );
    const { treated, baseline } = paired(
      { seeds: pipeline.map((p) => p[0]), acc: pipeline.map((p) => p[1]) },
      dropoutSecs,
    );
    const speed = judgeBeatsBaseline(
      0,
      baseline,
      treated,
      comparable,
      'Dropout seconds − MI-Dropout seconds',
    );
    const nonInferior = a2.find((p) => p.kind === 'dropout')?.judged;
    const verdict: Verdict =
      speed.verdict === 'reproduced' && nonInferior?.verdict === 'reproduced'
        ? 'reproduced'
        : speed.verdict === 'not reproduced'
          ? 'not reproduced'
          : 'inconclusive';
    claims.push({
      claim: `A1: MI-Dropout is more efficient than Dropout (wall-clock to the reported model, same epochs), ${on}`,
      verdict,
      evidence: `${speed.evidence} (seconds on this machine; runs on parallel workers share its cores)`,
    });
  }
  return claims;
}

/** Claims that need no run, or none that can be made here (stated with the numbers behind them). */
export function analyticClaims(studies: readonly TextStudy[]): Claim[] {
  const maxMi = Math.max(
    ...studies.flatMap((s) =>
      s.miSteps.flatMap((m) => m.before.flatMap((b) => b.knn.concat(b.binned))),
    ),
  );
  return [
    {
      claim:
        'The threshold search as written: start at t = 2.0 and lower it until validation accuracy drops',
      verdict: 'not reproduced',
      evidence:
        `I(a; y) ≤ H(y) ≤ ln 2 = 0.693 nats for binary labels (ln 4 = 1.386 for AG_NEWS), so t = 2.0 removes every unit; ` +
        `the largest per-unit MI measured here is ${fmt(maxMi, 3)} nats. Lowering t removes fewer units, so the stopping rule runs backwards; ` +
        `the notebook chooses the largest prune fraction within ${MARGIN} points of the best validation accuracy instead`,
    },
    {
      claim: 'A8: MI-Dropout costs O(N·i·j) where standard dropout costs O(Σ_j Σ_i n_ij²)',
      verdict: 'not reproduced',
      evidence:
        'analysis: standard dropout draws one mask value per unit and example, O(N·units) per pass, like any per-unit rule; no dropout method has an O(n²) term',
    },
    {
      claim:
        'A7 (Fig. 3): MI-Dropout beats Probabilistic Dropout, Info-Drop and ML-Dropout from the 2nd epoch',
      verdict: 'inconclusive',
      evidence:
        'the comparators cannot be identified: references [16], [17] are MI-estimation papers and [18] is a physics paper; no run can test the claim as stated',
    },
  ];
}

/** The released pipeline's rows (the authors' notebook outputs) and its key claim. */
export function releasedRows(study: ReleasedStudy): ResultRow[] {
  const comparable = study.info.fullScale && study.config.epochs === 10;
  const base = study.runs.map((r) => r.base.testAccuracy);
  const step = (name: string) =>
    study.runs.map((r) => r.steps.find((s) => s.step === name)!.run.testAccuracy);
  const table = "released code, MNIST (the authors' notebook outputs)";
  const row = (name: string, paper: number, ours: number[]): ResultRow => {
    const j = judgeBaselineRow(paper, ours, comparable);
    return {
      table,
      row: name,
      metric: 'test accuracy % (last epoch)',
      paper,
      ours: summarize(ours),
      verdict: j.verdict,
    };
  };
  const rows: ResultRow[] = [];
  RELEASED_MNIST.runs.forEach((r, i) => {
    rows.push(row(`MLP before the MI step, run ${i + 1} (${r.source})`, r.base, base));
    rows.push(
      row(`after the MI step + 10 epochs, run ${i + 1} (${r.source})`, r.mi, step('released')),
    );
  });
  for (const [kind, paper] of Object.entries(RELEASED_MNIST.baselines)) {
    const ours = study.dropout.filter((d) => d.kind === kind).map((d) => d.at10.testAccuracy);
    if (ours.length > 0)
      rows.push(
        row(
          `${BASELINE_LABELS[kind as BaselineKind]} 0.5, 10 epochs (branch 'Original')`,
          paper,
          ours,
        ),
      );
  }
  return rows;
}

export function releasedClaims(study: ReleasedStudy): Claim[] {
  const comparable = study.info.fullScale && study.config.epochs === 10;
  const step = (name: string) =>
    study.runs.map((r) => r.steps.find((s) => s.step === name)!.run.testAccuracy);
  const beyond = judgeBeatsBaseline(
    0,
    step('released'),
    step('continued'),
    comparable,
    'released MI step − continued training',
  );
  const bug = judgeBeatsBaseline(
    0,
    step('fixed'),
    step('released'),
    comparable,
    'fixed − as released',
  );
  const vsRandom = judgeBeatsBaseline(
    0,
    step('released'),
    step('random'),
    comparable,
    'released MI step − random re-init',
  );
  return [
    {
      claim: 'The released MI step improves MNIST accuracy beyond 10 more epochs of plain training',
      verdict: beyond.verdict,
      evidence: `${beyond.evidence}; also ${bug.evidence}; ${vsRandom.evidence}`,
    },
  ];
}

/** The rows of the paper's datasets: A2 per baseline on each dataset run, "not run here" else. */
export function textRows(
  studies: readonly TextStudy[],
  unavailable: ReadonlyArray<{ dataset: PaperDataset; reason: string }>,
): Array<ResultRow | NotRunRow> {
  const rows: Array<ResultRow | NotRunRow> = [];
  for (const study of studies) {
    const prune = stepAccuracies(study, 'prune');
    const table = `§III-A, ${DATASET_LABELS[study.dataset]} (encoder ≠ ALBERT)`;
    for (const kind of study.config.baselines) {
      const rate = study.chosenRate[kind]!;
      const { treated, baseline } = paired(prune, baselineBySeed(study, kind, rate));
      if (treated.length === 0) continue;
      const j = judgeNonInferior(treated, baseline, MARGIN, { comparable: study.info.fullScale });
      rows.push({
        table,
        row: `MI-Dropout vs ${BASELINE_LABELS[kind as BaselineKind]} (p = ${rate})`,
        metric: 'test accuracy difference, points (paired by seed)',
        paper: 'comparable or better',
        ours: summarize(treated.map((v, i) => v - baseline[i])),
        verdict: j.verdict,
      });
    }
  }
  for (const { dataset, reason } of unavailable) {
    for (const kind of ['dropout', 'spatial1d', 'alpha', 'gaussian'] as BaselineKind[]) {
      rows.push(
        notRunRow(
          {
            table: `§III-A, ${DATASET_LABELS[dataset]}`,
            row: `MI-Dropout vs ${BASELINE_LABELS[kind]}`,
            metric: 'test accuracy difference, points (paired by seed)',
            paper: 'comparable or better',
          },
          `data not available offline: ${reason}`,
        ),
      );
    }
  }
  return rows;
}

/** A2 over the paper's three datasets: decided only when all three were run. */
export function threeDatasetClaim(
  studies: readonly TextStudy[],
  unavailable: ReadonlyArray<{ dataset: PaperDataset; reason: string }>,
): Claim {
  const perDataset = studies.map((s) => textClaims(s).find((c) => c.claim.startsWith('A2'))!);
  const verdicts = perDataset.map((c) => c.verdict);
  const missing = unavailable.map((u) => DATASET_LABELS[u.dataset]);
  const ran = studies.map((s) => `${DATASET_LABELS[s.dataset]}: ${verdicts[studies.indexOf(s)]}`);
  return {
    claim: 'A2 on all three datasets (IMDB, AG_NEWS, Yelp polarity)',
    verdict:
      missing.length > 0
        ? verdicts.includes('not reproduced')
          ? 'not reproduced'
          : 'inconclusive'
        : combineVerdicts(verdicts),
    evidence: `${ran.join('; ')}${missing.length ? `; not run here: ${missing.join(', ')} (data not available offline)` : ''}`,
  };
}

const meanSd = (values: number[]) => {
  const s = summarize(values);
  return { mean: s.mean, sd: s.sd };
};

/** Validation accuracy per epoch (mean over seeds, sd as error bars) of the main methods; the MI
 * step's runs start at epoch E + 1. */
export function curveSeries(study: TextStudy): LineSeries[] {
  const series = (name: string, curves: EpochPoint[][], offset = 0): LineSeries | null => {
    if (curves.length === 0) return null;
    const epochs = curves[0].map((p) => p.epoch + offset);
    const at = epochs.map((_, e) => meanSd(curves.map((c) => c[e]?.valAccuracy ?? NaN)));
    return { name, x: epochs, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  };
  const out = [
    series(
      'no dropout',
      study.miSteps.map((s) => s.base.curve),
    ),
  ];
  for (const kind of study.config.baselines) {
    const rate = study.chosenRate[kind]!;
    const runs = study.baselines.filter((b) => b.kind === kind && b.rate === rate);
    out.push(
      series(
        `${BASELINE_LABELS[kind as BaselineKind]} p=${rate}`,
        runs.map((r) => r.run.curve),
      ),
    );
  }
  for (const method of ['prune', ...study.config.variants] as StepMethod[]) {
    const runs = study.miSteps.map((s) => stepRun(s, method)).filter((r): r is StepRun => !!r);
    out.push(
      series(
        STEP_LABELS[method],
        runs.map((r) => r.run.curve),
        study.config.epochs,
      ),
    );
  }
  return out.filter((s): s is LineSeries => s !== null);
}

/** Mean per-unit MI of each head layer (x = 1, 2, 3): before the step, the kept units before it,
 * after pruning by MI, after pruning at random, and after continued training. */
export function layerMiSeries(study: TextStudy): LineSeries[] {
  const x = HEAD_LAYERS.map((_, i) => i + 1);
  const line = (
    name: string,
    per: Record<string, MiDecomposition[]>,
    pick: keyof MiDecomposition,
  ) => {
    const at = HEAD_LAYERS.map((l) => meanSd(per[l].map((d) => d[pick])));
    return { name, x, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  };
  const prune = decomposition(study, 'prune');
  const out = [
    line('before (all units)', prune, 'before'),
    line('before (units MI-Dropout keeps)', prune, 'retainedBefore'),
    line('after MI-Dropout + retraining', prune, 'after'),
    line('after continued training (no pruning)', continuedDecomposition(study), 'after'),
  ];
  if (study.config.variants.includes('random'))
    out.push(line('after random pruning + retraining', decomposition(study, 'random'), 'after'));
  return out;
}

/** The Fig. 2 decomposition per layer and method (means ± sd over seeds, nats). */
export function decompositionRecords(study: TextStudy): Array<Record<string, string>> {
  const methods: Array<[string, Record<string, MiDecomposition[]>]> = [
    ['MI-Dropout', decomposition(study, 'prune')],
    ['continued training', continuedDecomposition(study)],
  ];
  if (study.config.variants.includes('random'))
    methods.push(['random pruning', decomposition(study, 'random')]);
  const cell = (v: number[]) => `${fmt(summarize(v).mean, 4)} ± ${fmt(summarize(v).sd, 4)}`;
  return methods.flatMap(([method, per]) =>
    HEAD_LAYERS.map((layer) => ({
      method,
      layer,
      before: cell(per[layer].map((d) => d.before)),
      'kept, before': cell(per[layer].map((d) => d.retainedBefore)),
      after: cell(per[layer].map((d) => d.after)),
      'Δ selection': cell(per[layer].map((d) => d.selection)),
      'Δ retraining': cell(per[layer].map((d) => d.retraining)),
    })),
  );
}

/** Mean per-unit MI after retraining (and validation accuracy) against the prune fraction. */
export function sweepSeries(study: TextStudy): { mi: LineSeries[]; accuracy: LineSeries } {
  const fractions = [...new Set(study.miSteps.flatMap((s) => s.sweep.map((r) => r.fraction)))]
    .filter((f): f is number => f !== null)
    .sort((a, b) => a - b);
  const runsAt = (f: number) =>
    study.miSteps
      .map((s) => s.sweep.find((r) => r.fraction === f))
      .filter((r): r is StepRun => !!r);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mi = HEAD_LAYERS.map((layer, i) => {
    const at = fractions.map((f) => meanSd(runsAt(f).map((r) => mean(r.after[i].knn))));
    return { name: layer, x: fractions, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  });
  const acc = fractions.map((f) => meanSd(runsAt(f).map((r) => r.run.valAccuracy)));
  return {
    mi,
    accuracy: {
      name: 'validation accuracy',
      x: fractions,
      y: acc.map((a) => a.mean),
      error: acc.map((a) => a.sd),
    },
  };
}

/** Estimator agreement and dead units at the checkpoint, per layer. */
export function unitRecords(study: TextStudy): Array<Record<string, string>> {
  const agreement = rankAgreement(study);
  return HEAD_LAYERS.map((layer, i) => {
    const widths = study.miSteps.map((s) => s.before[i].knn.length);
    const dead = study.miSteps.map((s, k) => (100 * s.before[i].dead.length) / widths[k]);
    const knn = study.miSteps.map((s) => Math.max(...s.before[i].knn));
    return {
      layer,
      units: String(widths[0]),
      'dead units %': `${fmt(summarize(dead).mean, 1)} ± ${fmt(summarize(dead).sd, 1)}`,
      'largest I(a; y), nats (k-NN)': fmt(summarize(knn).mean, 3),
      'Spearman k-NN vs binned': `${fmt(summarize(agreement[layer]).mean)} ± ${fmt(summarize(agreement[layer]).sd)}`,
    };
  });
}

/** Network-average MI and test accuracy against the head's depth (means ± sd over seeds). */
export function depthSeries(study: TextStudy): { mi: LineSeries; accuracy: LineSeries } {
  const points = depthPoints(study);
  const depths = [...new Set(points.map((p) => p.depth))];
  const at = (of: 'averageMi' | 'testAccuracy') =>
    depths.map((d) => meanSd(points.filter((p) => p.depth === d).map((p) => p[of])));
  const series = (name: string, values: Array<{ mean: number; sd: number }>) => ({
    name,
    x: depths,
    y: values.map((v) => v.mean),
    error: values.map((v) => v.sd),
  });
  return {
    mi: series('average per-unit MI (nats)', at('averageMi')),
    accuracy: series('test accuracy %', at('testAccuracy')),
  };
}

/** The released pipeline's runs, one line per step (means ± sd over seeds). */
export function releasedRecords(study: ReleasedStudy): Array<Record<string, string | number>> {
  const cell = (v: number[]) => `${fmt(summarize(v).mean)} ± ${fmt(summarize(v).sd)}`;
  const labels: Record<string, string> = {
    released: 'R1 MI step as released (class-0 label, scrambled re-init)',
    fixed: 'R2 MI step fixed (10-class label, consistent re-init)',
    continued: 'R3 10 more epochs, no MI step',
    random: 'R4 random re-init of as many units as R1',
  };
  const rows: Array<Record<string, string | number>> = [
    {
      run: 'MLP, 10 epochs (before the step)',
      'test accuracy %': cell(study.runs.map((r) => r.base.testAccuracy)),
      units: '',
    },
  ];
  for (const step of ['released', 'fixed', 'continued', 'random']) {
    const runs = study.runs.map((r) => r.steps.find((s) => s.step === step)!);
    rows.push({
      run: `${labels[step]}, +${study.config.retrainEpochs} epochs`,
      'test accuracy %': cell(runs.map((s) => s.run.testAccuracy)),
      units: fmt(summarize(runs.map((s) => s.units.length)).mean, 0),
    });
  }
  for (const kind of RELEASED_DROPOUT) {
    const runs = study.dropout.filter((d) => d.kind === kind);
    if (runs.length === 0) continue;
    const label = BASELINE_LABELS[kind as BaselineKind];
    rows.push({
      run: `${label} 0.5, 10 epochs`,
      'test accuracy %': cell(runs.map((r) => r.at10.testAccuracy)),
      units: '',
    });
    rows.push({
      run: `${label} 0.5, 20 epochs (budget-matched)`,
      'test accuracy %': cell(runs.map((r) => r.at20.testAccuracy)),
      units: '',
    });
  }
  return rows;
}
