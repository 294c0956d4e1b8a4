// npm run lab: a Jupyter UI on notebooks/ with the project's tslab kernel (JupyterLab when
// installed, else Jupyter Notebook). Extra arguments go to Jupyter (e.g. `npm run lab --
// --no-browser`).
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadRunnerEnv, NOTEBOOKS_DIR } from './notebook-runner';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function canImport(python: string, module: string): boolean {
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function pickUi(python: string): { command: string; args: string[] } | null {
  if (onPath('jupyter-lab')) return { command: 'jupyter-lab', args: [] };
  if (canImport(python, 'jupyterlab')) return { command: python, args: ['-m', 'jupyterlab'] };
  if (onPath('jupyter-notebook')) return { command: 'jupyter-notebook', args: [] };
  if (canImport(python, 'notebook')) return { command: python, args: ['-m', 'notebook'] };
  return null;
}

/**
 * The environment Jupyter runs in: the project's Jupyter dir first on JUPYTER_PATH (the tslab
 * kernelspec, the milab-plotly nbextension) and on JUPYTER_CONFIG_PATH (its nbconfig/ enables the
 * nbextension, which draws charts in reloaded and untrusted notebooks). The browser test uses it.
 */
export function labEnv(jupyterDir: string, base = process.env): NodeJS.ProcessEnv {
  const first = (inherited: string | undefined) =>
    [jupyterDir, inherited].filter(Boolean).join(path.delimiter);
  return {
    ...base,
    JUPYTER_PATH: first(base.JUPYTER_PATH),
    JUPYTER_CONFIG_PATH: first(base.JUPYTER_CONFIG_PATH),
  };
}

function main(): void {
  const env = loadRunnerEnv();
  const ui = pickUi(env.python);
  if (!ui) {
    console.error(
      'lab: no Jupyter UI found. Install one: python3 -m pip install --user jupyterlab (or apt-get install jupyter-notebook)',
    );
    process.exit(1);
  }
  console.log(
    `lab: ${[ui.command, ...ui.args].join(' ')} in notebooks/ (kernel: TypeScript (tslab, milab))`,
  );
  // Jupyter refuses to run as root (containers, CI machines) unless told.
  const rootFlag = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const child = spawn(ui.command, [...ui.args, ...rootFlag, ...process.argv.slice(2)], {
    cwd: NOTEBOOKS_DIR,
    stdio: 'inherit',
    env: labEnv(env.jupyterPath),
  });
  // Ctrl-C reaches Jupyter directly (same process group) and it asks before shutting down.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (require.main === module) main();
