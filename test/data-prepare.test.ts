// scripts/prepare-data.ts, the set-up step for datasets: idempotent, quiet, one-line failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEBIAN_FASHION_MNIST_DIR } from 'milab/internal';
import { tempDir } from './data-fixtures';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'prepare-data.js');
const dir = tempDir('data-prepare');
const haveFashion = fs.existsSync(
  path.join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'),
);

function run(args: string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      MILAB_CACHE_DIR: path.join(dir, 'cache'),
      MILAB_DATA_DIR: path.join(dir, 'data'),
      ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

test(
  'prepare-data verifies the offline datasets; a second run is quick and --quiet prints nothing',
  { skip: haveFashion ? false : 'Debian dataset-fashion-mnist is not installed' },
  (t) => {
    const first = run([]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stdout,
      /^data: fashion-mnist: 4 files verified \(\/usr\/share\/datasets\/fashion-mnist\)$/m,
    );
    assert.match(first.stdout, /^data: mnist: 4 files verified/m);
    assert.match(first.stdout, /^data: imdb: 1 file verified/m);
    assert.match(
      first.stdout,
      /online-only datasets not downloaded: cifar10, ag_news, yelp_polarity/,
    );
    const second = run(['--quiet']);
    t.diagnostic(
      `first run ${first.ms.toFixed(0)} ms (hashing), second run ${second.ms.toFixed(0)} ms (cached)`,
    );
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, '');
    assert.equal(second.stderr, '');
  },
);

test(
  'prepare-data: bad arguments and a bad archive fail with one line on stderr, without the network',
  { skip: haveFashion ? false : 'Debian dataset-fashion-mnist is not installed' },
  () => {
    const bad = run(['--download', 'imagenet']);
    assert.equal(bad.status, 2);
    assert.equal(
      bad.stderr,
      "data: error: unknown dataset 'imagenet' for --download; choose from fashion-mnist, cifar10, ag_news, yelp_polarity\n",
    );
    const option = run(['--fast']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /^data: error: unknown option '--fast'.*\n$/);

    // An archive already in the data folder is verified instead of downloaded: a wrong one fails
    // there.
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'cifar-10-binary.tar.gz'), 'not the archive');
    const cifar = run(['--quiet', '--download', 'cifar10']);
    assert.equal(cifar.status, 1);
    assert.match(
      cifar.stderr,
      /^data: error: .*cifar-10-binary\.tar\.gz has 15 bytes, expected 170052171 \(corrupt or incomplete\): download it again from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz\n$/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'data', 'cifar-10')), false);
  },
);
