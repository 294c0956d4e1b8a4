// Exercise checks for the notebooks' course material: a learner writes an answer into a cell and
// the next cell says whether it is right, in one line, without throwing (a notebook run end to end
// with the answers still blank must finish).
import { inputError } from '../errors';

/**
 * Compares `answer` with `expected` (within `tolerance`, absolute) and prints one line: ✓, ✗ with
 * a hint, or "not answered yet" while `answer` is undefined or NaN. Returns whether it was right.
 */
export function checkAnswer(
  label: string,
  answer: number | undefined,
  expected: number,
  options: { tolerance?: number; hint?: string } = {},
): boolean {
  const tolerance = options.tolerance ?? 1e-6 * Math.max(1, Math.abs(expected));
  if (!Number.isFinite(expected))
    inputError(`checkAnswer: expected must be finite, got ${expected}`);
  if (!(tolerance >= 0))
    inputError(`checkAnswer: tolerance must be non-negative, got ${tolerance}`);
  if (answer === undefined || Number.isNaN(answer)) {
    console.log(`${label}: not answered yet`);
    return false;
  }
  const right = Math.abs(answer - expected) <= tolerance;
  const hint = options.hint ? ` (hint: ${options.hint})` : '';
  console.log(right ? `✓ ${label}: ${answer}` : `✗ ${label}: ${answer} is not it${hint}`);
  return right;
}
