// Deep-MI's results rows and claims, by protocol §3e (fixed before any run). Rows hold the
// poster's table: on Fashion-MNIST (the stand-in) they are inconclusive whatever the numbers, on
// CIFAR-10 reproduced when the poster's % lies in our 95 % bootstrap interval. Claims are judged on
// the data at hand and say which; nothing is decided below MIN_SEEDS_FOR_VERDICT seeds.
import { formatNumber } from '../../report/summary';
import {
  notRunRow,
  type Claim,
  type NotRunRow,
  type ResultRow,
  type Verdict,
} from '../../report/results';
import { MIN_SEEDS_FOR_VERDICT } from '../../report/verdicts';
import {
  SIGNALS,
  advantageOn,
  signalTau,
  collapseAnalysis,
  discordance,
  gridPairs,
  miAdvantage,
  miLossRankCorrelation,
  phaseCells,
  dpiViolations,
  scoreSignal,
  signal,
  typesIn,
  variantAnalysis,
  type SignalSpec,
} from './analysis';
import { DATASET_LABELS } from './data';
import type { ClusterBootstrap } from '../../report/resampling';
import { D7_TABLE, NET_TYPES, PAPER_SIGNALS, PAPER_TABLE_DATASET } from './paper';
import type { SaturationRun } from './saturation';
import type { GridStudy, PlaneStudy } from './study';

const TABLE = 'Table (D7)';
const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const ci = (b: ClusterBootstrap) =>
  Number.isFinite(b.ci[0])
    ? `${pct(b.estimate)} [${pct(b.ci[0])}, ${pct(b.ci[1])}]`
    : pct(b.estimate);

function seedsOf(study: GridStudy): number {
  return new Set(study.runs.map((r) => r.seed)).size;
}

/** Reproduced when the whole interval is above 0, not reproduced when below, else inconclusive. */
function byInterval(b: ClusterBootstrap): Verdict {
  if (!Number.isFinite(b.ci[0])) return 'inconclusive';
  if (b.ci[0] > 0) return 'reproduced';
  if (b.ci[1] < 0) return 'not reproduced';
  return 'inconclusive';
}

/**
 * The poster's table, one row per net type and signal: ours is the score per seed (mean ± sd over
 * seeds). `cifar` is the CIFAR-10 study when its files were present, else the reason it was not
 * run; types a profile does not run get a "not run here" row.
 */
export function tableRows(
  study: GridStudy,
  cifar: GridStudy | { reason: string },
  profileName: string,
): Array<ResultRow | NotRunRow> {
  const rows: Array<ResultRow | NotRunRow> = [];
  for (const s of [study, cifar]) {
    if ('reason' in s) {
      for (const type of NET_TYPES)
        for (const name of PAPER_SIGNALS)
          rows.push(
            notRunRow(
              {
                table: TABLE,
                row: `${type} · ${signal(name).label} (${DATASET_LABELS[PAPER_TABLE_DATASET]})`,
                metric: '% of one-factor pairs predicted',
                paper: D7_TABLE[type][name],
              },
              s.reason,
            ),
          );
      continue;
    }
    const dataset = DATASET_LABELS[s.info.dataset as keyof typeof DATASET_LABELS];
    const comparable = s.info.dataset === PAPER_TABLE_DATASET;
    const enough = seedsOf(s) >= MIN_SEEDS_FOR_VERDICT;
    for (const type of NET_TYPES) {
      const runs = s.runs.filter((r) => r.type === type);
      for (const name of PAPER_SIGNALS) {
        const base = {
          table: TABLE,
          row: `${type} · ${signal(name).label} (${dataset})`,
          metric: '% of one-factor pairs predicted',
          paper: D7_TABLE[type][name],
        };
        if (runs.length === 0) {
          rows.push(notRunRow(base, `the ${profileName} profile does not run ${type}`));
          continue;
        }
        const score = scoreSignal(runs, signal(name));
        let verdict: Verdict = 'inconclusive';
        if (comparable && enough && Number.isFinite(score.score.ci[0])) {
          const inside = base.paper >= score.score.ci[0] && base.paper <= score.score.ci[1];
          verdict = inside ? 'reproduced' : 'not reproduced';
        }
        rows.push({ ...base, ours: score.perSeed, verdict });
      }
    }
  }
  return rows;
}

/** The poster's 18 table cells against our intervals, on whatever data the study ran. On the
 * stand-in the verdict stays inconclusive: the comparison is descriptive. */
export function tableComparisonClaim(study: GridStudy): Claim {
  const dataset = DATASET_LABELS[study.info.dataset as keyof typeof DATASET_LABELS];
  const cells: string[] = [];
  let inside = 0;
  let total = 0;
  for (const type of typesIn(study.runs)) {
    const runs = study.runs.filter((r) => r.type === type);
    for (const name of PAPER_SIGNALS) {
      const b = scoreSignal(runs, signal(name)).score;
      const paper = D7_TABLE[type][name];
      if (!Number.isFinite(b.ci[0])) continue;
      total++;
      const hit = paper >= b.ci[0] && paper <= b.ci[1];
      if (hit) inside++;
      else cells.push(`${type} ${signal(name).label} ${pct(paper)} vs ${ci(b)}`);
    }
  }
  return {
    claim: `D7 table: the poster's % per net type and signal (CIFAR-10) beside ours (${dataset})`,
    verdict: 'inconclusive',
    evidence:
      `The poster's value lies inside our 95 % interval in ${inside} of ${total} cells; ` +
      (cells.length ? `outside: ${cells.join('; ')}. ` : '') +
      (study.info.dataset === PAPER_TABLE_DATASET
        ? 'Same dataset: the rows carry the verdicts.'
        : `Other data (${dataset}), so no verdict from it.`),
  };
}

/** D7 and the controls that make it mean something. */
export function predictorClaims(study: GridStudy): Claim[] {
  const runs = study.runs;
  const dataset = DATASET_LABELS[study.info.dataset as keyof typeof DATASET_LABELS];
  const enough = seedsOf(study) >= MIN_SEEDS_FOR_VERDICT;
  const gate = (v: Verdict): Verdict => (enough ? v : 'inconclusive');
  const seedNote = enough ? '' : ` Fewer than ${MIN_SEEDS_FOR_VERDICT} seeds: not judged.`;
  const advantage = miAdvantage(runs);
  const scores = (['trainMi', 'trainLoss', 'trainAccuracy', 'heldOutAccuracy'] as const).map((n) =>
    scoreSignal(runs, signal(n)),
  );
  const [mi, loss, acc, held] = scores;
  const pairs = gridPairs(runs);
  const vsLoss = discordance(pairs, signal('trainMi'), signal('trainLoss'));
  const collapse = collapseAnalysis(runs);
  const variants = variantAnalysis(runs);
  const signs = variants.map((v) => Math.sign(v.advantage.estimate));
  const perType = typesIn(runs)
    .map((t) => `${t} ${pct(advantageOn(runs.filter((r) => r.type === t)))}`)
    .join(', ');
  const rho = miLossRankCorrelation(runs);
  const best = variants.reduce((a, b) => (b.advantage.estimate > a.advantage.estimate ? b : a));
  const claims: Claim[] = [
    {
      claim: `D7: the training set's MI is the strongest predictor of generalisation (${dataset})`,
      verdict: gate(byInterval(advantage)),
      evidence:
        `On ${mi.pairs} one-factor pairs (${runs.length} networks, ${seedsOf(study)} seed(s)): ` +
        `train MI ${ci(mi.score)} %, train loss ${ci(loss.score)} %, train accuracy ` +
        `${ci(acc.score)} %; MI minus the better of the two ${ci(advantage)} points ` +
        `(95 % bootstrap over configurations; over all pairs of a type and seed, ` +
        `${pct(advantageOn(runs, signal('trainMi'), undefined, 'all pairs'))}). ` +
        `Per type: ${perType}. Held-out training rows ` +
        `(the practical ceiling) ${ci(held.score)} %; a coin 50 %. Softmax saturated ` +
        `(H(T) >= 0.99 log N) in ${runs.filter((r) => r.softmaxSaturated).length} of ` +
        `${runs.length} networks.${seedNote}`,
    },
    {
      claim: 'Control: where MI and train loss disagree, MI picks the better network more often',
      verdict: gate(
        vsLoss.pairs < 10
          ? 'inconclusive'
          : vsLoss.p < 0.05 && vsLoss.firstRight > vsLoss.secondRight
            ? 'reproduced'
            : vsLoss.firstRight <= vsLoss.secondRight
              ? 'not reproduced'
              : 'inconclusive',
      ),
      evidence:
        `They disagree on ${vsLoss.pairs} pairs: MI right on ${vsLoss.firstRight}, loss on ` +
        `${vsLoss.secondRight} (exact McNemar p = ${formatNumber(vsLoss.p)}). Spearman between ` +
        `train MI and minus train loss over all networks: ${formatNumber(rho)}.${seedNote}`,
    },
    {
      claim:
        'Control: the MI advantage keeps its sign under every MI variant (estimator sensitivity)',
      verdict: gate(
        signs.every((s) => s === signs[0])
          ? signs[0] > 0
            ? 'reproduced'
            : 'not reproduced'
          : 'inconclusive',
      ),
      evidence:
        variants
          .map(
            (v) =>
              `${v.signal.label}: ${ci(v.advantage)} (vs loss McNemar Holm p = ` +
              `${formatNumber(v.holmP)})`,
          )
          .join('; ') +
        `. The best variant chosen after the fact beats the pre-registered one by ` +
        `${pct(best.advantage.estimate - advantage.estimate)} points: the size of the forking ` +
        `paths.${seedNote}`,
    },
    {
      claim: 'Control: the MI advantage survives removing the networks that collapsed',
      verdict: gate(
        collapse.advantageWithout ? byInterval(collapse.advantageWithout) : byInterval(advantage),
      ),
      evidence:
        `${collapse.collapsedRuns} of ${collapse.runs} networks end below twice chance; ` +
        `${collapse.collapsedPairs} of ${collapse.pairs} scored pairs contain one. ` +
        (collapse.advantageWithout
          ? `Without them the advantage is ${ci(collapse.advantageWithout)} points.`
          : 'None collapsed, so the analysis is unchanged.') +
        seedNote,
    },
  ];
  // Direction-free: Kendall tau-b per signal, pooled over types by its median.
  const taus = SIGNALS.filter((s) => s.role !== 'variant').map((s: SignalSpec) => {
    const values = typesIn(runs).map((t) =>
      signalTau(
        runs.filter((r) => r.type === t),
        s,
      ),
    );
    return `${s.label} ${values.map((v) => formatNumber(v)).join(' / ')}`;
  });
  claims.push({
    claim: 'Control (direction-free): MI ranks networks by test accuracy better than loss does',
    verdict: 'inconclusive',
    evidence:
      `Kendall tau-b with test accuracy within each type (${typesIn(runs).join(' / ')}): ` +
      `${taus.join('; ')}. Descriptive: no interval, so no verdict.`,
  });
  return claims;
}

/** Beyond the poster: label noise, where train accuracy and loss fail by construction. */
export function noiseClaim(study: GridStudy): Claim {
  const runs = study.noise;
  const enough = seedsOf(study) >= MIN_SEEDS_FOR_VERDICT;
  const factors = ['optimizer', 'regularizer', 'noise'];
  const advantage = miAdvantage(runs, signal('trainMi'), factors);
  const noisePairs = gridPairs(runs, 'one factor', ['noise']);
  const score = (n: keyof (typeof runs)[0]['signals']) =>
    pct(scoreSignal(runs, signal(n), ['noise']).score.estimate);
  return {
    claim:
      'Beyond: with wrong training labels, train MI still picks the better network better ' +
      'than train loss or accuracy',
    verdict: enough ? byInterval(advantage) : 'inconclusive',
    evidence:
      `${runs.length} networks (${[...new Set(runs.map((r) => r.type))].join(', ')}; noise ` +
      `${[...new Set(runs.map((r) => r.noise))].join(' / ')}): advantage ${ci(advantage)} points ` +
      `over all one-factor pairs. On the ${noisePairs.length} pairs that differ only in the ` +
      `noise: MI ${score('trainMi')} %, loss ${score('trainLoss')} %, accuracy ` +
      `${score('trainAccuracy')} %, held-out rows ${score('heldOutAccuracy')} %.` +
      (enough ? '' : ` Fewer than ${MIN_SEEDS_FOR_VERDICT} seeds: not judged.`),
  };
}

/** D4 and D5 from the MNIST planes. */
export function planeClaims(study: PlaneStudy): Claim[] {
  const cells = phaseCells(study.runs).filter(
    (c) => c.estimator === 'binned' && c.layer !== 'softmax',
  );
  const seeds = new Set(study.runs.map((r) => r.seed)).size;
  const configs = [...new Set(cells.map((c) => `${c.activation} ${c.optimizer}`))];
  const phases = configs.map((k) => {
    const own = cells.filter((c) => `${c.activation} ${c.optimizer}` === k);
    const shown = own.filter((c) => c.fitting && c.compression && !c.saturated);
    return {
      k,
      shown: shown.length,
      of: own.length,
      saturated: own.filter((c) => c.saturated).length,
    };
  });
  const withPhases = phases.filter((p) => p.shown > 0).length;
  let d4: Verdict = 'inconclusive';
  if (seeds >= MIN_SEEDS_FOR_VERDICT)
    d4 =
      withPhases === configs.length
        ? 'reproduced'
        : withPhases === 0
          ? 'not reproduced'
          : 'inconclusive';
  const dpi = dpiViolations(study.runs);
  return [
    {
      claim: "D4: Shwartz-Ziv & Tishby's fitting then compression phases appear (MNIST)",
      verdict: d4,
      evidence:
        `Hidden layers showing fitting then compression (binned I(X;T) falls after its peak by ` +
        `more than 2 sd over ${seeds} seed(s)): ` +
        phases
          .map(
            (p) => `${p.k} ${p.shown}/${p.of}` + (p.saturated ? ` (${p.saturated} saturated)` : ''),
          )
          .join(', ') +
        (d4 === 'inconclusive' && seeds >= MIN_SEEDS_FOR_VERDICT
          ? '; it depends on the activation and optimiser.'
          : '.') +
        (seeds < MIN_SEEDS_FOR_VERDICT
          ? ` Fewer than ${MIN_SEEDS_FOR_VERDICT} seeds: not judged.`
          : ''),
    },
    {
      claim: 'D5: the data processing inequality, I(T_l+1;Y) <= I(T_l;Y)',
      verdict: 'inconclusive',
      evidence:
        `True MI obeys it; the binned estimates break it in ${dpi.violations} of ${dpi.checks} ` +
        `consecutive-layer checks (by more than 0.01 nats): estimator artefacts, no verdict on ` +
        `the theorem.`,
    },
  ];
}

/** D6 from the saturation curve. */
export function saturationClaim(run: SaturationRun): Claim {
  const sizes = [...new Set(run.points.map((p) => p.n))];
  const widest = Math.max(...run.points.map((p) => p.width));
  const firstSaturated = sizes.map((n) => {
    const hit = run.points.filter((p) => p.n === n && p.saturated).map((p) => p.width);
    const expected = run.points.find((p) => p.n === n)!.expectedWidth;
    return { n, width: hit.length ? Math.min(...hit) : null, expected };
  });
  const all = sizes.every((n) =>
    run.points.some((p) => p.n === n && p.width === widest && p.saturated),
  );
  const none = sizes.every((n) => !run.points.some((p) => p.n === n && p.saturated));
  return {
    claim: 'D6: binning a wide layer makes every sample its own symbol (H(T) = log N)',
    verdict: all ? 'reproduced' : none ? 'not reproduced' : 'inconclusive',
    evidence:
      `${run.layer}, ${run.bins} bins per unit: the first width with H(T) >= 0.99 log N is ` +
      firstSaturated
        .map(
          (f) =>
            `${f.width ?? `none up to ${widest}`} for N = ${f.n} (w* = ${f.expected.toFixed(1)})`,
        )
        .join(', ') +
      '.',
  };
}

/** D1-D3: what the poster states without a result to compare with. */
export function descriptiveClaims(study: GridStudy): Claim[] {
  const collapsed = study.runs.filter((r) => r.collapsed);
  const groups = new Map<string, number>();
  for (const r of collapsed) {
    const k = `${r.type} ${r.optimizer}/${r.regularizer}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  return [
    {
      claim:
        'D1: MI between layers for GAN discriminators, AlphaZero players, unsupervised and RL networks',
      verdict: 'inconclusive',
      evidence:
        'The poster shows no result, no setup and no number for any of them: nothing to compare with.',
    },
    {
      claim: 'D2: networks are compared in pairs differing in one factor, all else equal',
      verdict: 'inconclusive',
      evidence:
        `A design, not a finding; the poster gives no pair count. Here: ${gridPairs(study.runs).length} ` +
        `pairs within a net type and seed differing in optimiser or regulariser.`,
    },
    {
      claim: 'D3: the MI plane shows which configurations work and which collapse',
      verdict: 'inconclusive',
      evidence:
        (collapsed.length
          ? `Collapsed (test accuracy below twice chance): ${[...groups].map(([k, n]) => `${k} (${n})`).join(', ')}. `
          : 'No network collapsed. ') +
        'The poster shows no plane to compare with; the notebook draws each network as a point.',
    },
  ];
}
