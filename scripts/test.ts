// npm test: typecheck, lint (scripts/lint.ts: ESLint, Prettier, the notebooks), then ONE
// `node --test` run over the compiled tests, so the last lines are Node's test-runner summary and
// the lint's verdict. A lint problem fails the suite, but the tests still run. Arguments: words
// select test files by substring (`npm test -- display report`; the lint is skipped then), options
// go to node --test (`npm test -- --test-name-pattern=x`).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem, lint, summarizeProblems, type LintProblem } from './lint';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const words = args.filter((a) => !a.startsWith('-'));
  const options = args.filter((a) => a.startsWith('-'));

  // environment/setup.sh has just built; this catches a tree edited since (and costs ~3 s).
  console.log('typecheck: tsc -b');
  const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    console.error('typecheck failed');
    return 1;
  }

  let problems: LintProblem[] = [];
  if (words.length === 0) {
    console.log('lint: ESLint, Prettier, notebooks (npm run lint runs the same)');
    problems = await lint({ typecheck: false });
  } else {
    console.log('lint: skipped (test files selected); npm run lint runs it');
  }

  // Only tests whose source still exists: dist/ may hold the output of a deleted or renamed test.
  const files = fs
    .readdirSync(path.join(ROOT, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
    .sort()
    .map((f) => path.join('dist', 'test', f.replace(/\.ts$/, '.js')));
  if (files.length === 0) {
    console.error(`no test file matches ${words.join(', ')}`);
    return 1;
  }
  const missing = files.filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length > 0) {
    console.error(`not compiled: ${missing.join(', ')} (did tsc -b succeed?)`);
    return 1;
  }
  console.log(`node --test: ${files.length} file(s)`);
  const run = spawnSync(process.execPath, ['--test', ...options, ...files], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (problems.length > 0) {
    // Repeated after the tests' output, which has pushed the first report out of sight.
    for (const p of problems.slice(0, 20)) console.error(formatProblem(p));
    if (problems.length > 20) console.error(`... and ${problems.length - 20} more (npm run lint)`);
    console.error(`lint failed: ${problems.length} problem(s): ${summarizeProblems(problems)}`);
    return 1;
  }
  return run.status ?? 1;
}

main().then(
  (status) => process.exit(status),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
