// What Tokovenko & Rigter report, as data: Table 3's accuracies, Table 2's outcomes, the orderings
// of Figures 3-4 and the layers they measure, under the names they use.
import type { MineOutcome } from '../../infoplane/outcome';
import type { PlaneVariable } from '../../infoplane/measurers';

/** The notebook these numbers belong to (its stored runs and results carry this name). */
export const NOTEBOOK = '004-mine-lenet';

/** LeNet-5's measured layers, input side first (activation names of milab's lenet5). */
export const LAYERS: readonly string[] = ['maxpool1', 'maxpool2', 'relu3', 'softmax'];

/** The paper's names of the layers. */
export const LAYER_LABELS: Readonly<Record<string, string>> = {
  maxpool1: 'maxpool1',
  maxpool2: 'maxpool2',
  relu3: 'relu3',
  softmax: 'sm1',
};

/** The paper's name of a layer (the activation name when it has none). */
export function layerLabel(layer: string): string {
  return LAYER_LABELS[layer] ?? layer;
}

/** Table 3: test accuracy % after epochs 0, 4, ..., 20 (learning rate 3e-4). */
export const PAPER_ACCURACY: Readonly<Record<number, number>> = {
  0: 70,
  4: 83,
  8: 91,
  12: 94,
  16: 96,
  20: 97,
};

/** The paper's learning rate. */
export const PAPER_LEARNING_RATE = 3e-4;

export interface Table2Row {
  variable: PlaneVariable;
  /** The statistics network's name (architectures.ts). */
  label: string;
  /** What the row adds to the architecture, in the paper's words. */
  addition: string;
  /** The outcome as the paper writes it. */
  paper: string;
  outcome: MineOutcome;
}

/** Table 2: which statistics networks converge, explode or underestimate. */
export const PAPER_TABLE2: readonly Table2Row[] = [
  { variable: 'X', label: '1', addition: '-', paper: 'Exploding gradients', outcome: 'exploded' },
  {
    variable: 'X',
    label: '1(2)',
    addition: 'noise on L',
    paper: 'Converged approximation of the lower bound',
    outcome: 'converged',
  },
  {
    variable: 'X',
    label: '1(3)',
    addition: '20 hidden units, noise on L',
    paper: 'Converged approximation of the lower bound',
    outcome: 'converged',
  },
  {
    variable: 'X',
    label: '2',
    addition: '-',
    paper: 'Underestimated MI',
    outcome: 'underestimated',
  },
  { variable: 'X', label: '3', addition: '-', paper: 'Exploding gradients', outcome: 'exploded' },
  {
    variable: 'X',
    label: '3(2)',
    addition: 'noise on L',
    paper: 'Underestimated MI',
    outcome: 'underestimated',
  },
  { variable: 'Y', label: '1', addition: '-', paper: 'Exploding gradients', outcome: 'exploded' },
  {
    variable: 'Y',
    label: '1(3)',
    addition: 'Dense 100, noise on L',
    paper: 'Converged approximation of the lower bound',
    outcome: 'converged',
  },
];

export interface Ordering {
  claim: string;
  variable: PlaneVariable;
  /** Layers (activation names) compared: I(variable; a) relation I(variable; b). */
  a: string;
  relation: '>=' | '<=';
  b: string;
}

/** Figures 3-4 (MINE with 20 hidden units): the orderings of the layers the paper reads off. */
export const ORDERINGS: readonly Ordering[] = [
  {
    claim: "I(X;relu3) >= I(X;sm1) (MINE h=20, the paper's Figures 3-4)",
    variable: 'X',
    a: 'relu3',
    relation: '>=',
    b: 'softmax',
  },
  {
    claim: "I(Y;relu3) <= I(Y;sm1) (MINE h=20, the paper's Figures 3-4)",
    variable: 'Y',
    a: 'relu3',
    relation: '<=',
    b: 'softmax',
  },
  {
    claim: "I(X;maxpool1) <= I(X;maxpool2) (MINE h=20, the paper's Figures 3-4)",
    variable: 'X',
    a: 'maxpool1',
    relation: '<=',
    b: 'maxpool2',
  },
];

/** Figure 5: with 100 hidden units I(X;L) falls along the layers... */
export const CHAIN_CLAIM =
  "With 100 hidden units I(X;maxpool1) >= I(X;maxpool2) >= I(X;relu3) >= I(X;sm1) (the paper's Figure 5)";
/** ...but runs converge less reliably. */
export const STABILITY_CLAIM =
  "100 hidden units converge less reliably than 20 (more runs explode or do not converge; the paper's Figure 5)";
/** Figures 1-2. */
export const TRANSFER_CLAIM =
  "A warm-started MINE converges after about one epoch, a re-initialised one needs many (about 30) (the paper's Figures 1-2)";
/** Figures 1-2: MINE epochs to converge, re-initialised and warm-started. */
export const PAPER_EPOCHS_TO_CONVERGE = { fresh: 30, warm: 1 } as const;
