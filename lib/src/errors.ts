// Errors a user can act on: one line naming the problem (shape, NaN, lengths, column, file).
// The CLI prints these as `error: <message>` with exit status 2; anything else is a bug.

// Node's util.inspect.custom, by its registered name: no import of node:util, so the library
// still bundles for the browser.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class MilabInputError extends Error {
  override name = 'MilabInputError';
  constructor(message: string) {
    super(message.split('\n')[0]);
  }

  /** How console.log/console.error show it: the one line, not the stack. tslab prints a cell's
   * thrown error with console.error, which would otherwise show Node's 15-line stack through the
   * library's internals for what is a mistake in the caller's input. `stack` itself is kept for
   * debuggers, and every other error (a bug) is still printed with its stack. */
  [INSPECT](): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Raised when training diverged (non-finite, exploding or collapsing values) and could not be
 * recovered: an estimator's critic (mi/neural), a regulariser's, or a classifier's whole run
 * (nn/train.ts). A MilabInputError: the cure is the user's (learning rate, clipping, another
 * bound), so the CLI prints it as one `error:` line rather than as an internal error. */
export class NeuralTrainingError extends MilabInputError {
  override name = 'NeuralTrainingError';
}

export function inputError(message: string): never {
  throw new MilabInputError(message);
}
