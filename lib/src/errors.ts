// Errors a user can act on: one line naming the problem (shape, NaN, lengths, column, file).
// The CLI prints these as `error: <message>` with exit status 2; anything else is a bug.
export class MilabInputError extends Error {
  override name = 'MilabInputError';
  constructor(message: string) {
    super(message.split('\n')[0]);
  }
}

export function inputError(message: string): never {
  throw new MilabInputError(message);
}
