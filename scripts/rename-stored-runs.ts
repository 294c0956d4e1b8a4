// Rename the committed stored runs (results/runs/<notebook>/) to readable names, the way the
// notebooks' code names new runs (RunJob.name, built with runName):
//   000-mmim        CNN_C4_lambda_0.001_seed_2-<hash>.json  runName(net, method, { lambda, seed })
//                   CNN_baseline_seed_1-<hash>.json         runName(net, 'baseline', { seed })
//   004-mine-lenet  LeNet-5_MINE_seed_1-<hash>.json         runName(label, { seed }), label
//                   optimiser_Adam_seed_1-<hash>.json       'LeNet-5 + MINE' or `optimiser ${name}`
// Keys and contents are not touched and the hash stays, so every run is still found; only the
// prefix changes. Run it, then commit (`git add -A results/runs` records renames):
//   node dist/scripts/rename-stored-runs.js [NOTEBOOK...]     (default: both notebooks)
// A stored run whose key does not have the expected shape stops the script before anything is
// renamed in that notebook.
import { renameStoredRuns, runCacheDir, runName } from 'milab';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** 000-mmim's key: the run's settings as JSON (runKey in lib/src/papers/mmim/study.ts). */
function mmimName(key: string): string {
  const k = JSON.parse(key) as {
    net?: unknown;
    method?: unknown;
    lambda?: unknown;
    seed?: unknown;
  };
  const { net, method, lambda, seed } = k;
  if (typeof net !== 'string' || typeof method !== 'string')
    throw new Error(`no net/method: ${key}`);
  if (typeof lambda !== 'number' || typeof seed !== 'number')
    throw new Error(`no lambda/seed: ${key}`);
  return method === 'baseline'
    ? runName(net, method, { seed })
    : runName(net, method, { lambda, seed });
}

/** 004-mine-lenet's key: `<label> <settings as JSON>` (planRun in the notebook). */
function mineLenetName(key: string): string {
  const brace = key.indexOf(' {');
  if (brace <= 0) throw new Error(`no '<label> {...}' key: ${key.slice(0, 200)}`);
  const { seed } = JSON.parse(key.slice(brace + 1)) as { seed?: unknown };
  if (typeof seed !== 'number') throw new Error(`no seed: ${key.slice(0, 200)}`);
  return runName(key.slice(0, brace), { seed });
}

const NAMERS: Record<string, (key: string) => string> = {
  '000-mmim': mmimName,
  '004-mine-lenet': mineLenetName,
};

function main(): number {
  const named = process.argv.slice(2);
  for (const notebook of named.length > 0 ? named : Object.keys(NAMERS)) {
    const nameOf = NAMERS[notebook];
    if (!nameOf) {
      console.error(`no naming rule for ${notebook} (known: ${Object.keys(NAMERS).join(', ')})`);
      return 2;
    }
    // Every key is named first, so a key of an unexpected shape renames nothing.
    const dir = runCacheDir(notebook);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    const names = new Map<string, string>();
    for (const file of files) {
      const { key } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { key: string };
      names.set(key, nameOf(key));
    }
    const renamed = renameStoredRuns(notebook, (key) => names.get(key));
    for (const { from, to } of renamed) console.log(`${notebook}: ${from} -> ${to}`);
    console.log(`${notebook}: ${renamed.length} of ${files.length} stored runs renamed`);
  }
  return 0;
}

process.exit(main());
