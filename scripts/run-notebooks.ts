// npm start: execute every notebook headlessly (quick profile unless told otherwise), write
// reports/<name>/ for each and reports/index.html. A failing cell fails the run, naming the
// notebook, the cell and the error; the other notebooks still run.
//   node dist/scripts/run-notebooks.js [--profile smoke|quick|full] [--only NNN]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROFILES, type Profile } from 'milab';
import { listNotebooks, NotebookFailure, notebookName, ROOT, runNotebook } from './notebook-runner';
import { writeIndex } from './report-index';

function parseArgs(argv: string[]): { profile: Profile; only?: string } {
  let profileArg = process.env.MILAB_PROFILE || 'quick';
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === '--profile') profileArg = value();
    else if (flag === '--only') only = value();
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm start -- [--profile smoke|quick|full] [--only NNN]');
      process.exit(0);
    } else fail(`unknown option '${arg}' (expected --profile, --only)`);
  }
  if (!(PROFILES as readonly string[]).includes(profileArg)) fail(`--profile must be one of ${PROFILES.join(', ')}; got '${profileArg}'`);
  return { profile: profileArg as Profile, only };
}

function fail(message: string): never {
  console.error(`run-notebooks: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { profile, only } = parseArgs(process.argv.slice(2));
  const reportsRoot = path.join(ROOT, 'reports');
  fs.mkdirSync(reportsRoot, { recursive: true });
  // Leftovers of an interrupted run.
  for (const entry of fs.readdirSync(reportsRoot)) {
    if (entry.startsWith('.staging-')) fs.rmSync(path.join(reportsRoot, entry), { recursive: true, force: true });
  }
  let notebooks: string[];
  try {
    notebooks = listNotebooks(only);
  } catch (err) {
    fail((err as Error).message);
  }
  const failures: string[] = [];
  for (const file of notebooks) {
    const name = notebookName(file);
    console.log(`notebook ${name} (profile ${profile})`);
    try {
      const run = await runNotebook(file, { profile, reportsRoot });
      const headline = run.results ? `, ${run.results.rows.length} result rows, ${run.results.claims.length} claims` : '';
      console.log(`notebook ${name}: ok in ${run.seconds.toFixed(1)} s${headline} -> ${path.relative(ROOT, run.html)}`);
    } catch (err) {
      const message = (err as Error).message;
      failures.push(message.split('\n')[0]);
      console.error(`notebook ${name}: FAILED\n  ${message}`);
      if (err instanceof NotebookFailure && err.details.trim()) {
        console.error(err.details.trim().split('\n').slice(0, 30).map((l) => `    | ${l}`).join('\n'));
      }
    }
  }
  const index = writeIndex(reportsRoot);
  console.log(`reports: ${path.relative(ROOT, index)}`);
  if (failures.length > 0) {
    console.error(`${failures.length} of ${notebooks.length} notebook(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`run-notebooks: ${(err as Error).message}`);
  process.exit(1);
});
