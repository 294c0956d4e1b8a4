// What the notebook shows, from the per-seed records: Table 3, the information planes and the
// estimators side by side, Table 2, the noise sweep, 20 against 100 hidden units, warm against
// fresh MINE, the verdicts on the paper's claims, the results rows and a few computed findings.
// Pure functions of the records (no tensors): the verdict rules are in verdicts.ts.
import type { InformationPlanePoint, Panel } from '../../infoplane/charts';
import { gaussianChannelCeiling } from '../../infoplane/prepare';
import type { LineSeries } from '../../display/plot';
import type { Claim, ResultRow, Verdict } from '../../report/results';
import { summarize, summarizeFinite } from '../../report/summary';
import { combineVerdicts } from '../../report/verdicts';
import {
  convergenceEpochs,
  estimatesByEpoch,
  median,
  orderingVerdict,
  outcomeCounts,
  planePoints,
  referenceByEpoch,
  runOutcome,
  type EpochSummary,
} from './analysis';
import { DEFAULT_NOISE_SIGMA } from './architectures';
import type { PlaneRecord, PlaneVariable } from './experiment';
import {
  CHAIN_CLAIM,
  LAYERS,
  LAYER_LABELS,
  ORDERINGS,
  PAPER_ACCURACY,
  PAPER_EPOCHS_TO_CONVERGE,
  PAPER_TABLE2,
  STABILITY_CLAIM,
  TRANSFER_CLAIM,
  layerLabel,
} from './paper';
import { paperScale, type ProfileConfig } from './profiles';
import { sweepName } from './study';
import {
  MIN_RUNS_FOR_STABILITY,
  accuracyVerdict,
  freshRowVerdict,
  stabilityVerdict,
  table2Verdict,
  transferVerdict,
  warmRowVerdict,
  type Stability,
} from './verdicts';

type Row = Record<string, unknown>;
const SIGMA = DEFAULT_NOISE_SIGMA;

// ---- Table 3 ----

/** Test accuracy % after each epoch, over seeds. */
export function accuracyByEpoch(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
): EpochSummary[] {
  return Array.from({ length: config.epochs }, (_, epoch) => ({
    epoch,
    ...summarizeFinite(records.map((r) => 100 * r.accuracy[epoch])),
  }));
}

/** Table 3's rows: our accuracy at each epoch the paper reports. */
export function accuracyRows(records: readonly PlaneRecord[], config: ProfileConfig): ResultRow[] {
  return accuracyByEpoch(records, config)
    .filter((a) => PAPER_ACCURACY[a.epoch] !== undefined)
    .map((a) => ({
      table: 'Table 3',
      row: `epoch ${a.epoch}`,
      metric: 'test accuracy %',
      paper: PAPER_ACCURACY[a.epoch],
      ours: summarize(records.map((r) => 100 * r.accuracy[a.epoch])),
      verdict: accuracyVerdict(a, PAPER_ACCURACY[a.epoch], paperScale(config)),
    }));
}

export function accuracyTable(rows: readonly ResultRow[]): Row[] {
  return rows.map((r) => ({
    epoch: r.row,
    'paper %': r.paper,
    'ours %': r.ours.mean,
    sd: r.ours.sd,
    seeds: r.ours.n,
    verdict: r.verdict,
  }));
}

/** Our accuracy curve (mean ± sd) and the paper's points, for lineChart. */
export function accuracySeries(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
  optimizer: string,
): LineSeries[] {
  const accuracy = accuracyByEpoch(records, config);
  return [
    {
      name: `ours (${optimizer}), mean ± sd`,
      x: accuracy.map((a) => a.epoch),
      y: accuracy.map((a) => a.mean),
      error: accuracy.map((a) => a.sd),
    },
    {
      name: 'Tokovenko & Rigter, Table 3',
      x: Object.keys(PAPER_ACCURACY).map(Number),
      y: Object.values(PAPER_ACCURACY),
    },
  ];
}

// ---- The information plane and the estimators side by side ----

/**
 * The KDE reference of a variable: the upper bound on I(X; L+noise), the estimate of I(L+noise; Y).
 */
function kdeByEpoch(
  records: readonly PlaneRecord[],
  variable: PlaneVariable,
  layer: string,
): EpochSummary[] {
  return referenceByEpoch(records, variable === 'X' ? 'kdeUpper' : 'kdeIty', layer);
}

/** Plane points (mean, sd over seeds) of an estimator, e.g. 'MINE h=20', or of 'KDE'. */
export function plane(records: readonly PlaneRecord[], estimator: string): InformationPlanePoint[] {
  const value =
    estimator === 'KDE'
      ? (variable: PlaneVariable, layer: string) => kdeByEpoch(records, variable, layer)
      : (variable: PlaneVariable, layer: string) =>
          estimatesByEpoch(records, estimator, variable, layer);
  return planePoints(LAYERS, value, { ...LAYER_LABELS });
}

const band = (points: EpochSummary[]) => ({
  x: points.map((p) => p.epoch),
  y: points.map((p) => p.mean),
  band: points.map((p) => p.sd),
});

/** One panel per layer: MINE, SMILE, the KDE quantities and the binned plane by epoch. */
export function estimatorPanels(records: readonly PlaneRecord[], variable: PlaneVariable): Panel[] {
  return LAYERS.map((layer) => ({
    title: layerLabel(layer),
    series: [
      { name: 'MINE h=20', ...band(estimatesByEpoch(records, 'MINE h=20', variable, layer)) },
      { name: 'SMILE h=20', ...band(estimatesByEpoch(records, 'SMILE h=20', variable, layer)) },
      ...(variable === 'X'
        ? [
            { name: 'KDE lower bound', ...band(referenceByEpoch(records, 'kdeLower', layer)) },
            { name: 'KDE upper bound', ...band(referenceByEpoch(records, 'kdeUpper', layer)) },
            { name: 'binned (30 bins)', ...band(referenceByEpoch(records, 'binnedIxt', layer)) },
          ]
        : [
            { name: 'KDE estimate', ...band(referenceByEpoch(records, 'kdeIty', layer)) },
            { name: 'binned (30 bins)', ...band(referenceByEpoch(records, 'binnedIty', layer)) },
          ]),
    ].filter((s) => s.y.length > 0),
  }));
}

/** The title of estimatorPanels' figure: noise, ceiling and log N of the rows. */
export function estimatorPanelsTitle(variable: PlaneVariable, config: ProfileConfig): string {
  return (
    `I(${variable}; L) by epoch (σ=${SIGMA}; ceiling ${gaussianChannelCeiling(SIGMA).toFixed(1)} nats; ` +
    `log N = ${Math.log(config.evalRows).toFixed(2)} for MINE's ${config.evalRows} rows, ` +
    `${Math.log(config.kdeRows).toFixed(2)} for the KDE's ${config.kdeRows})`
  );
}

// ---- Table 2 ----

export interface Table2 {
  /** Result rows: the share of our runs with the paper's outcome. */
  rows: ResultRow[];
  /** Outcome counts per architecture, for showTable. */
  view: Row[];
  /** Study runs over all seeds. */
  runs: number;
}

export function table2(records: readonly PlaneRecord[]): Table2 {
  const studyRuns = records.flatMap((record) =>
    record.study.map((run) => ({ run, outcome: runOutcome(record, run).outcome })),
  );
  const rows: ResultRow[] = [];
  const view: Row[] = [];
  for (const row of PAPER_TABLE2) {
    const ours = studyRuns.filter(
      (s) => s.run.variable === row.variable && s.run.name === row.label,
    );
    if (ours.length === 0) continue;
    const counts = outcomeCounts(ours.map((s) => s.outcome));
    const verdict = table2Verdict(counts, row.outcome);
    rows.push({
      table: 'Table 2',
      row: `I(${row.variable};L) Architecture ${row.label} (${row.addition})`,
      metric: "runs with the paper's outcome %",
      paper: row.paper,
      ours: summarize(ours.map((s) => (s.outcome === row.outcome ? 100 : 0))),
      verdict,
    });
    view.push({
      MI: `I(${row.variable};L)`,
      architecture: row.label,
      addition: row.addition,
      paper: row.paper,
      ...counts,
      'median estimate (nats)': median(ours.map((s) => s.run.value ?? NaN)),
      verdict,
    });
  }
  return { rows, view, runs: studyRuns.length };
}

/** The curves behind Table 2, first seed, last study epoch: one panel per studied layer. */
export function studyPanels(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
  variable: PlaneVariable,
): Panel[] {
  const last = Math.max(...config.studyAt);
  return config.studyLayers.map((layer) => ({
    title: layerLabel(layer),
    series: records[0].study
      .filter((r) => r.variable === variable && r.layer === layer && r.epoch === last)
      .map((r) => ({ name: `Arch ${r.name}`, y: r.curve })),
  }));
}

// ---- The noise sweep ----

/** The main and the swept noise levels, ascending. */
export function sweepSigmas(config: ProfileConfig): number[] {
  return [...new Set([SIGMA, ...config.sweepSigmas])].sort((a, b) => a - b);
}

/** MINE beside the KDE bracket and the ceiling at each noise level (means over seeds, nats). */
export function sweepTable(records: readonly PlaneRecord[], config: ProfileConfig): Row[] {
  const view: Row[] = [];
  for (const epoch of config.sweepAt) {
    for (const layer of config.sweepLayers) {
      for (const sigma of sweepSigmas(config)) {
        const mine = (variable: PlaneVariable) =>
          summarizeFinite(
            records.map(
              (r) =>
                r.runs.find(
                  (x) =>
                    x.name === sweepName(sigma) &&
                    x.variable === variable &&
                    x.layer === layer &&
                    x.epoch === epoch,
                )?.value ?? null,
            ),
          );
        const ref = (q: 'kdeLower' | 'kdeUpper' | 'kdeIty') =>
          summarizeFinite(
            records.map(
              (r) =>
                r.references.find(
                  (x) => x.epoch === epoch && x.layer === layer && x.noiseSigma === sigma,
                )?.[q] ?? null,
            ),
          ).mean;
        view.push({
          epoch,
          layer: layerLabel(layer),
          σ: sigma,
          'ceiling 1/(2σ²)': gaussianChannelCeiling(sigma),
          'KDE lower I(X;L)': ref('kdeLower'),
          'MINE I(X;L)': mine('X').mean,
          'KDE upper I(X;L)': ref('kdeUpper'),
          'MINE I(Y;L)': mine('Y').mean,
          'KDE I(Y;L)': ref('kdeIty'),
        });
      }
    }
  }
  return view;
}

// ---- 20 or 100 hidden units ----

/** Outcomes of an estimator's plane runs at the h=100 epochs. */
export function stabilityOf(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
  estimator: string,
): Stability {
  const outcomes = records.flatMap((record) =>
    record.runs
      .filter((r) => r.name === estimator && config.h100At.includes(r.epoch))
      .map((run) => runOutcome(record, run).outcome),
  );
  return {
    runs: outcomes.length,
    counts: outcomeCounts(outcomes),
    failing: outcomes.filter((o) => o === 'exploded' || o === 'not converged').length,
  };
}

export function stability(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
): { h20: Stability; h100: Stability } {
  return {
    h20: stabilityOf(records, config, 'MINE h=20'),
    h100: stabilityOf(records, config, 'MINE h=100'),
  };
}

export function stabilityTable(s: { h20: Stability; h100: Stability }): Row[] {
  return [
    [20, s.h20],
    [100, s.h100],
  ].map(([h, x]) => ({
    'hidden units': h,
    runs: (x as Stability).runs,
    ...(x as Stability).counts,
  }));
}

// ---- Re-initialised or warm-started MINE ----

export interface Transfer {
  /** MINE epochs to converge of every re-initialised run. */
  fresh: number[];
  /** ... of the warm-started runs from the third measurement on (the paper's "runs 3 to 6"), or
   * from the second when a seed has fewer than three. */
  warm: number[];
  freshMedian: number;
  warmMedian: number;
}

export function transfer(records: readonly PlaneRecord[]): Transfer {
  const fresh = convergenceEpochs(records, 'MINE h=20 fresh', 'Y', 'relu3')
    .flat()
    .filter(Number.isFinite);
  const warmRuns = convergenceEpochs(records, 'MINE h=20 warm', 'Y', 'relu3');
  const later = (skip: number) =>
    warmRuns.flatMap((runs) => runs.slice(skip)).filter(Number.isFinite);
  // With fewer than 3 measurements per seed (reduced profiles) every run after the first counts.
  const warm = later(2).length > 0 ? later(2) : later(1);
  return { fresh, warm, freshMedian: median(fresh), warmMedian: median(warm) };
}

/**
 * The held-out curves of I(Y; relu3) per measurement, first seed: re-initialised, then
 * warm-started.
 */
export function transferPanels(records: readonly PlaneRecord[]): Panel[] {
  const panel = (name: string, title: string): Panel => ({
    title,
    series: records[0].runs
      .filter((r) => r.name === name && r.variable === 'Y' && r.layer === 'relu3')
      .sort((a, b) => a.epoch - b.epoch)
      .map((r, i) => ({ name: `run ${i + 1} (epoch ${r.epoch})`, y: r.curve })),
  });
  return [
    panel('MINE h=20 fresh', 're-initialised (Figure 1)'),
    panel('MINE h=20 warm', 'warm-started (Figure 2)'),
  ];
}

export function transferTable(t: Transfer): Row[] {
  const row = (MINE: string, runs: number[], paper: number) => ({
    MINE,
    runs: runs.length,
    'median epochs to converge': median(runs),
    max: runs.length ? Math.max(...runs) : NaN,
    paper: `≈ ${paper}`,
  });
  return [
    row('re-initialised', t.fresh, PAPER_EPOCHS_TO_CONVERGE.fresh),
    row('warm-started (later runs)', t.warm, PAPER_EPOCHS_TO_CONVERGE.warm),
  ];
}

/** Figures 1-2 as result rows (only where there are runs). */
export function transferRows(t: Transfer): ResultRow[] {
  const rows: ResultRow[] = [];
  const metric = 'MINE epochs to converge';
  if (t.fresh.length > 0) {
    rows.push({
      table: 'Figure 1',
      row: 're-initialised MINE, I(Y;relu3)',
      metric,
      paper: PAPER_EPOCHS_TO_CONVERGE.fresh,
      ours: summarize(t.fresh),
      verdict: freshRowVerdict(t.freshMedian),
    });
  }
  if (t.warm.length > 0) {
    rows.push({
      table: 'Figure 2',
      row: 'warm-started MINE (later runs), I(Y;relu3)',
      metric,
      paper: PAPER_EPOCHS_TO_CONVERGE.warm,
      ours: summarize(t.warm),
      verdict: warmRowVerdict(t.warmMedian),
    });
  }
  return rows;
}

// ---- The claims ----

export interface Claims {
  claims: Claim[];
  /** One row per claim: the verdicts and the per-epoch tallies, for showTable. */
  view: Row[];
}

const tallies = (c: { holds: number[]; reversed: number[]; overlap: number[] }) =>
  `${c.holds.length}/${c.reversed.length}/${c.overlap.length}`;

export function claims(records: readonly PlaneRecord[], config: ProfileConfig): Claims {
  const claims: Claim[] = [];
  const view: Row[] = [];
  const add = (claim: Claim, tally: string, kde: Verdict | '') => {
    claims.push(claim);
    view.push({
      claim: claim.claim,
      'MINE verdict': claim.verdict,
      'hold/reversed/overlap (MINE)': tally,
      'KDE verdict': kde,
    });
  };
  // Figures 3-4: the orderings, by MINE and (whether they belong to the network or to MINE) by KDE.
  for (const o of ORDERINGS) {
    const names: [string, string] = [
      `I(${o.variable};${layerLabel(o.a)})`,
      `I(${o.variable};${layerLabel(o.b)})`,
    ];
    const by = (series: (layer: string) => EpochSummary[]) =>
      orderingVerdict(series(o.a), o.relation, series(o.b), names);
    const mine = by((layer) => estimatesByEpoch(records, 'MINE h=20', o.variable, layer));
    const kde = by((layer) => kdeByEpoch(records, o.variable, layer));
    const kdeName = o.variable === 'X' ? 'upper bound' : 'estimate';
    const evidence =
      `${mine.evidence} KDE ${kdeName}: ${kde.verdict} ` +
      `(${kde.holds.length} hold / ${kde.reversed.length} reversed / ${kde.overlap.length} overlap).`;
    add({ claim: o.claim, verdict: mine.verdict, evidence }, tallies(mine), kde.verdict);
  }
  // Figure 5: with 100 hidden units I(X;L) falls along the layers, every link of the chain.
  const chain = LAYERS.slice(0, -1).map((layer, i) => {
    const next = LAYERS[i + 1];
    const x = (l: string) => estimatesByEpoch(records, 'MINE h=100', 'X', l);
    return orderingVerdict(x(layer), '>=', x(next), [
      `I(X;${layerLabel(layer)})`,
      `I(X;${layerLabel(next)})`,
    ]);
  });
  const chainVerdict = combineVerdicts(chain.map((c) => c.verdict));
  add(
    { claim: CHAIN_CLAIM, verdict: chainVerdict, evidence: chain.map((c) => c.evidence).join(' ') },
    chain.map(tallies).join(', '),
    '',
  );
  // Figure 5: and runs are less stable than with 20.
  const s = stability(records, config);
  add(
    {
      claim: STABILITY_CLAIM,
      verdict: stabilityVerdict(s.h20, s.h100),
      evidence:
        `exploded or not converged: h=100 ${s.h100.failing}/${s.h100.runs}, h=20 ${s.h20.failing}/${s.h20.runs} ` +
        `plane runs at epoch(s) ${config.h100At.join(', ')}. Reproduced when the h=100 share is at least 10 points higher; ` +
        `not reproduced when it is not higher, with at least ${MIN_RUNS_FOR_STABILITY} runs each and most h=100 runs converged.`,
    },
    '',
    '',
  );
  // Figures 1-2: warm start converges in about 1 MINE epoch, re-initialisation in about 30.
  const t = transfer(records);
  add(
    {
      claim: TRANSFER_CLAIM,
      verdict: transferVerdict(t.warmMedian, t.freshMedian),
      evidence:
        `median epochs to converge for I(Y;relu3): warm ${t.warmMedian} (${t.warm.length} later runs), ` +
        `re-initialised ${t.freshMedian} (${t.fresh.length} runs), ${config.transferEpochs} MINE epochs of ` +
        `${Math.floor(0.8 * config.evalRows)} rows each. Reproduced when warm <= 2 and re-initialised >= 3 x warm + 2; ` +
        'not reproduced when warm >= re-initialised.',
    },
    '',
    '',
  );
  return { claims, view };
}

/** Everything written to results.json: Table 3, Table 2 and Figures 1-2 as rows, and the claims. */
export function results(
  records: readonly PlaneRecord[],
  config: ProfileConfig,
): { rows: ResultRow[]; claims: Claim[] } {
  return {
    rows: [
      ...accuracyRows(records, config),
      ...table2(records).rows,
      ...transferRows(transfer(records)),
    ],
    claims: claims(records, config).claims,
  };
}

// ---- Findings ----

/** A few sentences computed from the records: where MINE falls against the KDE bracket, the binned
 * plane's saturation, what the noise level does, and warm against fresh. */
export function findings(records: readonly PlaneRecord[], config: ProfileConfig): string[] {
  const found: string[] = [];
  // Where MINE falls relative to the KDE bracket on I(X; L+noise), over every seed, epoch and
  // layer.
  const placed = { below: 0, inside: 0, above: 0 };
  for (const record of records) {
    for (const r of record.runs.filter(
      (x) => x.name === 'MINE h=20' && x.variable === 'X' && x.value !== null,
    )) {
      const ref = record.references.find(
        (x) => x.epoch === r.epoch && x.layer === r.layer && x.noiseSigma === SIGMA,
      );
      if (!ref) continue;
      const v = r.value as number;
      if (v < ref.kdeLower) placed.below++;
      else if (v > ref.kdeUpper) placed.above++;
      else placed.inside++;
    }
  }
  found.push(
    `MINE h=20 against the KDE bracket on I(X; L+noise): below it in ${placed.below}, inside in ${placed.inside}, above in ` +
      `${placed.above} of ${placed.below + placed.inside + placed.above} measurements (below = MINE underestimates the noisy ` +
      `quantity; the bracket is for X uniform over the ${config.kdeRows} rows).`,
  );
  // The binned plane: wide layers make every image its own symbol.
  const binned = records.flatMap((r) => r.references.filter((x) => x.noiseSigma === SIGMA));
  const saturated = binned.filter((x) => x.binnedIxt >= 0.99 * x.logN);
  const layers = [...new Set(saturated.map((x) => layerLabel(x.layer)))];
  found.push(
    `Binned I(X;L) is at log N (every image its own symbol) in ${saturated.length} of ${binned.length} layer measurements` +
      `${layers.length ? ` (${layers.join(', ')})` : ''}: there the binned plane carries no information about the layer.`,
  );
  // The noise level defines the quantity.
  for (const layer of config.sweepLayers) {
    const epoch = Math.max(...config.sweepAt);
    const row = sweepSigmas(config).map((sigma) => {
      const upper = summarizeFinite(
        records.map(
          (r) =>
            r.references.find(
              (x) => x.epoch === epoch && x.layer === layer && x.noiseSigma === sigma,
            )?.kdeUpper ?? null,
        ),
      ).mean;
      return `σ=${sigma}: ${upper.toFixed(2)}`;
    });
    found.push(
      `KDE upper bound on I(X;${layerLabel(layer)}) at epoch ${epoch} by noise level: ${row.join(', ')} nats: ` +
        'the unstated noise level moves the quantity itself.',
    );
  }
  const t = transfer(records);
  found.push(
    `Warm-started MINE needed a median of ${t.warmMedian} MINE epoch(s) in its later runs, re-initialised MINE ${t.freshMedian}.`,
  );
  return found;
}
