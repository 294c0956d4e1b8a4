#!/usr/bin/env node
// The milab command line. Input errors (MilabInputError) exit with status 2 and one line
// `error: ...` on stderr; any other failure is a bug and exits with 1 (MILAB_DEBUG=1 shows the
// stack).
import { MilabInputError } from '../errors';
import { estimateCommand, estimatorList } from './estimate';

const USAGE = `milab: mutual information estimators from the command line

Usage:
  milab estimate FILE.csv --x COLS --y COLS [--z COLS] [--estimator NAME] [--seed N] [--json] ...
  milab estimators          list the estimators
  milab --help              this text; 'milab estimate --help' for every option

Example:
  milab estimate data.csv --x a,b --y c --estimator ksg --ci --json`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(`${USAGE}\n\n${estimatorList()}`);
      return;
    case 'estimate':
      return estimateCommand(rest);
    case 'estimators':
      console.log(estimatorList());
      return;
    default:
      throw new MilabInputError(
        `unknown command '${command}' (commands: estimate, estimators; see milab --help)`,
      );
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    const input = err instanceof MilabInputError;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${input ? message : `internal error: ${message}`}\n`);
    if (!input && process.env.MILAB_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(input ? 2 : 1);
  },
);
