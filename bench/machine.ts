// What a benchmark line records about where it ran, and which Python runs the peers.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

export function machineInfo(): Record<string, string | number> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    os: `${os.type()} ${os.release()}`,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    tfjs: readVersion('@tensorflow/tfjs-core'),
    load_average_1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

function readVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** MILAB_PEER_PYTHON, else Debian's /usr/bin/python3 (python3-torch's), else python3. */
export function peerPython(): string {
  if (process.env.MILAB_PEER_PYTHON) return process.env.MILAB_PEER_PYTHON;
  if (fs.existsSync('/usr/bin/python3')) {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import torch, sklearn'], { stdio: 'ignore' });
      return '/usr/bin/python3';
    } catch {
      // fall through: maybe another python3 has them
    }
  }
  return 'python3';
}
