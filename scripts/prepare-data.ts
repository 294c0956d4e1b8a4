// Set-up step for datasets (environment/setup.sh runs it; safe to run any time).
//   node dist/scripts/prepare-data.js [--quiet] [--download
//   fashion-mnist,cifar10,ag_news,yelp_polarity]
// Makes sure Fashion-MNIST is present (Debian package when root on Debian, else the authors' files
// downloaded into the data folder), verifies every offline dataset against its recorded checksum
// (cached by size and mtime, so a second run takes a fraction of a second) and downloads the online
// datasets asked for. Plain progress lines; on failure one line on stderr and exit status 1.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import {
  DOWNLOADABLE_DATASETS,
  MilabInputError,
  dataDir,
  datasetPresent,
  downloadDataset,
  progressReporter,
  verifyOfflineDatasets,
  type DownloadableDataset,
} from 'milab';
import { DEBIAN_FASHION_MNIST_DIR } from 'milab/internal';

const APT_PACKAGE = 'dataset-fashion-mnist';

function parseArgs(argv: string[]): { quiet: boolean; download: DownloadableDataset[] } {
  let quiet = false;
  const download: DownloadableDataset[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quiet') quiet = true;
    else if (arg === '--download' || arg.startsWith('--download=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      for (const name of (value ?? '').split(',').filter(Boolean)) {
        if (!(DOWNLOADABLE_DATASETS as readonly string[]).includes(name)) {
          fail(
            `unknown dataset '${name}' for --download; choose from ${DOWNLOADABLE_DATASETS.join(', ')}`,
            2,
          );
        }
        download.push(name as DownloadableDataset);
      }
      if (download.length === 0)
        fail(`--download needs a dataset name: ${DOWNLOADABLE_DATASETS.join(', ')}`, 2);
    } else fail(`unknown option '${arg}' (expected --quiet, --download NAME[,NAME])`, 2);
  }
  return { quiet, download };
}

function fail(message: string, status = 1): never {
  process.stderr.write(`data: error: ${message}\n`);
  process.exit(status);
}

function isDebianRoot(): boolean {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    hasCommand('apt-get')
  );
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function apt(args: string[]): { ok: boolean; lastLine: string } {
  const result = spawnSync('apt-get', ['-y', '-q', '-o', 'DPkg::Lock::Timeout=600', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const lines = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').filter(Boolean);
  return {
    ok: result.status === 0,
    lastLine: lines[lines.length - 1] ?? String(result.error ?? 'no output'),
  };
}

/** Install Debian's package; refresh the package lists first only when apt does not know it. */
function aptInstallFashionMnist(say: (line: string) => void): void {
  say(`installing Debian package ${APT_PACKAGE} (30 MB) into ${DEBIAN_FASHION_MNIST_DIR}`);
  let result = apt(['install', '--no-install-recommends', APT_PACKAGE]);
  if (!result.ok) {
    say('apt-get update (package lists are missing or stale)');
    const update = apt(['update']);
    if (!update.ok) fail(`apt-get update failed: ${update.lastLine}`);
    result = apt(['install', '--no-install-recommends', APT_PACKAGE]);
  }
  if (!result.ok) fail(`apt-get install ${APT_PACKAGE} failed: ${result.lastLine}`);
}

async function ensureFashionMnist(say: (line: string) => void): Promise<void> {
  if (datasetPresent('fashion-mnist')) return;
  if (isDebianRoot()) return aptInstallFashionMnist(say);
  say(
    `Fashion-MNIST is not installed; downloading the authors' files into ${dataDir()}/fashion-mnist`,
  );
  try {
    await downloadDataset('fashion-mnist', {
      onProgress: progressReporter('Fashion-MNIST download'),
    });
  } catch (err) {
    if (!(err instanceof MilabInputError)) throw err;
    fail(
      `Fashion-MNIST is missing and could not be downloaded (${err.message}); install it with ` +
        `\`sudo apt-get install ${APT_PACKAGE}\` (Debian/Ubuntu) or copy the four *-ubyte.gz files into ${dataDir()}/fashion-mnist`,
    );
  }
}

async function main(): Promise<void> {
  const { quiet, download } = parseArgs(process.argv.slice(2));
  const say = (line: string) => {
    if (!quiet) console.log(`data: ${line}`);
  };
  const act = (line: string) => console.log(`data: ${line}`);
  const started = Date.now();

  await ensureFashionMnist(act);
  let checks = await verifyOfflineDatasets();
  const fashion = checks.find((c) => c.dataset === 'fashion-mnist');
  if (
    fashion &&
    !fashion.ok &&
    fashion.detail.startsWith(DEBIAN_FASHION_MNIST_DIR) &&
    isDebianRoot()
  ) {
    act(
      `Fashion-MNIST failed verification (${fashion.detail.split(':')[0]}); reinstalling ${APT_PACKAGE}`,
    );
    const repair = apt(['install', '--reinstall', '--no-install-recommends', APT_PACKAGE]);
    if (!repair.ok) fail(`apt-get install --reinstall ${APT_PACKAGE} failed: ${repair.lastLine}`);
    checks = await verifyOfflineDatasets();
  }
  for (const check of checks) {
    if (!check.ok) fail(check.detail);
    say(`${check.dataset}: ${check.detail}`);
  }

  for (const name of download) {
    if (datasetPresent(name)) say(`${name}: present in ${dataDir()}, verifying`);
    else act(`${name}: downloading into ${dataDir()}`);
    try {
      await downloadDataset(name, { onProgress: progressReporter(`${name} download`) });
    } catch (err) {
      if (err instanceof MilabInputError) fail(err.message);
      throw err;
    }
    say(`${name}: ready`);
  }
  const missing = DOWNLOADABLE_DATASETS.filter((n) => n !== 'fashion-mnist' && !datasetPresent(n));
  if (missing.length > 0) {
    say(
      `online-only datasets not downloaded: ${missing.join(', ')} (node dist/scripts/prepare-data.js --download NAME)`,
    );
  }
  say(`datasets ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err: unknown) => {
  if (err instanceof MilabInputError) fail(err.message);
  fail(`unexpected failure: ${(err as Error)?.stack ?? String(err)}`);
});
