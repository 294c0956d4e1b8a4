// npm test: typecheck, then ONE `node --test` run over the compiled tests, so the last lines are
// Node's test-runner summary. Arguments: words select test files by substring
// (`npm test -- display report`), options go to node --test (`npm test -- --test-name-pattern=x`).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function main(): number {
  const args = process.argv.slice(2);
  const words = args.filter((a) => !a.startsWith('-'));
  const options = args.filter((a) => a.startsWith('-'));

  // environment/setup.sh has just built; this catches a tree edited since (and costs ~3 s).
  console.log('typecheck: tsc -b');
  const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('typecheck failed');
    return 1;
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
  const run = spawnSync(process.execPath, ['--test', ...options, ...files], { cwd: ROOT, stdio: 'inherit' });
  return run.status ?? 1;
}

process.exit(main());
