// Classifying one MINE run as converged, exploded or underestimated (how MINE studies report their
// statistics networks, usually by eye), here from a stated criterion applied to the run's held-out
// convergence curve:
//
//   exploded        some value is NaN or Inf, or the curve rises above a limit that no estimate of
//                   the pair can honestly exceed (+ slack for estimation noise): H(Y) for the
//                   label, log N or an upper bound (KDE) for the input.
//   not converged   the end of the curve is still moving: the means of the two halves of the last
//                   `plateauWindow` epochs differ by more than max(plateauAbsolute, plateauRelative
//                   x plateau). (A run stopped early must not count as converged or
//                   underestimated.)
//   underestimated  flat, but the plateau is below `underestimateRatio` x a reference value of the
//                   same quantity (a lower bound, or the best converged estimate).
//   converged       flat, within limits, not underestimated.
import { inputError } from '../errors';

export type MineOutcome = 'converged' | 'exploded' | 'underestimated' | 'not converged';

export interface OutcomeCriterion {
  /** No estimate of the pair may exceed this (nats). */
  upperLimit: number;
  /** A trusted value of the same quantity (nats); without it no run is called underestimated. */
  reference?: number;
  /** Default 0.5. */
  underestimateRatio?: number;
  /** Nats above upperLimit still read as estimation noise. Default 0.1. */
  explosionSlack?: number;
  /** Epochs at the end of the curve that must be flat. Default 6. */
  plateauWindow?: number;
  /** Default 0.05 nats. */
  plateauAbsolute?: number;
  /** Default 0.05 (5 %). */
  plateauRelative?: number;
}

export interface OutcomeVerdict {
  outcome: MineOutcome;
  /** Mean of the last half-window (NaN when the curve has a non-finite value there). */
  plateau: number;
  /** One sentence with the numbers behind the outcome. */
  reason: string;
}

export function classifyMineRun(
  curve: readonly number[],
  criterion: OutcomeCriterion,
): OutcomeVerdict {
  if (!Array.isArray(curve as unknown) || curve.length === 0)
    inputError('classifyMineRun needs a non-empty curve');
  const c = withDefaults(criterion);
  const window = Math.min(c.plateauWindow, curve.length);
  const tail = curve.slice(curve.length - window);
  const half = Math.max(1, Math.floor(window / 2));
  const plateau = mean(tail.slice(tail.length - half));

  const badIndex = curve.findIndex((v) => !Number.isFinite(v));
  if (badIndex >= 0) {
    return {
      outcome: 'exploded',
      plateau,
      reason: `value ${curve[badIndex]} at epoch ${badIndex + 1}`,
    };
  }
  const peak = Math.max(...curve);
  if (peak > c.upperLimit + c.explosionSlack) {
    return {
      outcome: 'exploded',
      plateau,
      reason: `peak ${fmt(peak)} nats above the limit ${fmt(c.upperLimit)} (+${fmt(c.explosionSlack)} slack)`,
    };
  }
  if (curve.length < 2) {
    return { outcome: 'not converged', plateau, reason: 'a single epoch cannot show a plateau' };
  }
  const before = mean(tail.slice(0, tail.length - half));
  const drift = plateau - before;
  const tolerance = Math.max(c.plateauAbsolute, c.plateauRelative * Math.abs(plateau));
  if (Math.abs(drift) > tolerance) {
    return {
      outcome: 'not converged',
      plateau,
      reason: `still moving at the end: ${fmt(before)} -> ${fmt(plateau)} nats over the last ${window} epochs (tolerance ${fmt(tolerance)})`,
    };
  }
  if (
    c.reference !== undefined &&
    c.reference > 0 &&
    plateau < c.underestimateRatio * c.reference
  ) {
    return {
      outcome: 'underestimated',
      plateau,
      reason: `plateau ${fmt(plateau)} nats < ${c.underestimateRatio} x reference ${fmt(c.reference)}`,
    };
  }
  const against = c.reference !== undefined ? `, reference ${fmt(c.reference)}` : '';
  return {
    outcome: 'converged',
    plateau,
    reason: `plateau ${fmt(plateau)} nats (limit ${fmt(c.upperLimit)}${against})`,
  };
}

function withDefaults(
  criterion: OutcomeCriterion,
): Required<Omit<OutcomeCriterion, 'reference'>> & { reference?: number } {
  if (criterion === null || typeof criterion !== 'object')
    inputError('classifyMineRun needs a criterion { upperLimit, ... }');
  const c = {
    upperLimit: criterion.upperLimit,
    reference: criterion.reference,
    underestimateRatio: criterion.underestimateRatio ?? 0.5,
    explosionSlack: criterion.explosionSlack ?? 0.1,
    plateauWindow: criterion.plateauWindow ?? 6,
    plateauAbsolute: criterion.plateauAbsolute ?? 0.05,
    plateauRelative: criterion.plateauRelative ?? 0.05,
  };
  if (!Number.isFinite(c.upperLimit) || c.upperLimit <= 0)
    inputError(`upperLimit must be a positive number of nats, got ${c.upperLimit}`);
  if (c.reference !== undefined && !Number.isFinite(c.reference))
    inputError(`reference must be finite, got ${c.reference}`);
  if (!(c.underestimateRatio > 0 && c.underestimateRatio <= 1))
    inputError(`underestimateRatio must be in (0, 1], got ${c.underestimateRatio}`);
  if (!(c.explosionSlack >= 0)) inputError(`explosionSlack must be >= 0, got ${c.explosionSlack}`);
  if (!Number.isInteger(c.plateauWindow) || c.plateauWindow < 2)
    inputError(`plateauWindow must be an integer >= 2, got ${c.plateauWindow}`);
  if (!(c.plateauAbsolute >= 0) || !(c.plateauRelative >= 0))
    inputError('plateau tolerances must be >= 0');
  return c;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}

/**
 * MINE epochs a run needed to converge: the first epoch (1-based) whose value comes within
 * max(absolute, relative x |plateau|) of the plateau, the mean of the last `window` values
 * (defaults 0.05 nats, 5 %, 3). NaN when the curve has a non-finite value.
 */
export function epochsToPlateau(
  curve: readonly number[],
  options: { absolute?: number; relative?: number; window?: number } = {},
): number {
  if (!Array.isArray(curve as unknown) || curve.length === 0)
    inputError('epochsToPlateau needs a non-empty curve');
  if (curve.some((v) => !Number.isFinite(v))) return NaN;
  const window = Math.min(options.window ?? 3, curve.length);
  const plateau = mean(curve.slice(curve.length - window));
  const tolerance = Math.max(
    options.absolute ?? 0.05,
    (options.relative ?? 0.05) * Math.abs(plateau),
  );
  return curve.findIndex((v) => v >= plateau - tolerance) + 1;
}
