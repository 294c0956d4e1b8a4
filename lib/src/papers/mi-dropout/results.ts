// MI-Dropout's claims and results rows, by the rules of protocol §1e fixed before any run: paired
// 95 % t intervals over seeds, a non-inferiority margin of 0.5 accuracy points, nothing decided
// below MIN_SEEDS_FOR_VERDICT seeds or off the protocol's data scale (the quick and smoke profiles
// decide nothing).
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
import {
  BASELINE_LABELS,
  HEAD_LAYERS,
  RELEASED_MNIST,
  type BaselineKind,
  type PaperDataset,
} from './paper';
import { type ReleasedStudy, type TextStudy } from './study';
import {
  DATASET_LABELS,
  fmt,
  stepRun,
  stepAccuracies,
  baselineBySeed,
  paired,
  bySeed,
  decomposition,
  depthPoints,
  depthCorrelation,
} from './analysis';

/** The non-inferiority margin (accuracy points), fixed before any run (protocol §1e). */
export const MARGIN = 0.5;

function seedsNote(n: number, comparable: boolean): string | null {
  if (!comparable) return "not at the protocol's data scale, so nothing is decided";
  if (n < MIN_SEEDS_FOR_VERDICT)
    return `only ${n} seed(s); at least ${MIN_SEEDS_FOR_VERDICT} are needed`;
  return null;
}

/** What every claim of one text study is judged with. */
interface ClaimContext {
  study: TextStudy;
  /** At the protocol's data scale (else nothing is decided). */
  comparable: boolean;
  /** 'on IMDB (encoder ≠ ALBERT)': where a claim was judged. */
  on: string;
  /** MI-Dropout's (prune) test accuracies by seed. */
  prune: { seeds: number[]; acc: number[] };
}

/** A2 per baseline: MI-Dropout against its chosen rate, for non-inferiority. */
function a2Judgements(c: ClaimContext) {
  const { study, comparable, prune } = c;
  return study.config.baselines.map((kind) => {
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
}

/** A2: comparable or better than every baseline. */
function a2Claim(c: ClaimContext): Claim[] {
  const { on } = c;
  const claims: Claim[] = [];
  const a2 = a2Judgements(c);
  if (a2.length > 0) {
    const worse = a2.some((p) => p.judged.classification === 'worse');
    const all = a2.every((p) => p.judged.verdict === 'reproduced');
    claims.push({
      claim: `A2: MI-Dropout generalizes comparably or better than the four dropout baselines, ${on}`,
      verdict: worse ? 'not reproduced' : all ? 'reproduced' : 'inconclusive',
      evidence: a2.map((p) => p.judged.evidence).join('; '),
    });
  }
  return claims;
}

/** MI selection matters: MI-Dropout against pruning as many units at random. */
function selectionClaim(c: ClaimContext): Claim[] {
  const { study, comparable, on, prune } = c;
  const claims: Claim[] = [];
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
  return claims;
}

/** A3: better than the network before pruning trained as long (continued training). */
function a3Claim(c: ClaimContext): Claim[] {
  const { study, comparable, on, prune } = c;
  const claims: Claim[] = [];
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
  return claims;
}

/** A4 (Fig. 2): MI rises per layer, most in the middle; the retraining part beyond random's. */
function a4Claims(c: ClaimContext): Claim[] {
  const { study, comparable, on, prune } = c;
  const claims: Claim[] = [];
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
  return claims;
}

/** A6: deeper heads, higher average MI and better accuracy. */
function a6Claim(c: ClaimContext): Claim[] {
  const { study, comparable, on } = c;
  const claims: Claim[] = [];
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
  return claims;
}

/** A1: more efficient: wall-clock to the reported model against Dropout trained as long. */
function a1Claim(c: ClaimContext): Claim[] {
  const { study, comparable, on } = c;
  const claims: Claim[] = [];
  const a2 = a2Judgements(c);
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

/** The claims of the text judged on one text study (protocol §1e). */
export function textClaims(study: TextStudy): Claim[] {
  const c: ClaimContext = {
    study,
    comparable: study.info.fullScale,
    on: `on ${DATASET_LABELS[study.dataset]} (encoder ≠ ALBERT)`,
    prune: stepAccuracies(study, 'prune'),
  };
  return [a2Claim, selectionClaim, a3Claim, a4Claims, a6Claim, a1Claim].flatMap((claim) =>
    claim(c),
  );
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
