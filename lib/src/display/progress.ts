// Live progress for long loops. Training and estimation functions take an optional
// onProgress({ step, total, metrics }) callback; progressReporter(label) makes one that shows
//   in a notebook: ONE display that updates in place (at most 4 times a second);
//   on a terminal: one line on stderr redrawn in place;
//   in a log (stderr not a TTY): a line per 10% (or per 30 s), never one per step.
import { randomBytes } from 'node:crypto';
import { escapeHtml, inKernel, sendBundle } from './kernel';

export interface ProgressUpdate {
  step: number;
  total: number;
  metrics?: Record<string, number>;
}

export type OnProgress = (update: ProgressUpdate) => void;

/** An onProgress callback; call done() if the loop may stop before step reaches total. */
export type ProgressReporter = OnProgress & { done(): void };

export interface ProgressOptions {
  /** Minimum time between redraws in a notebook or terminal (default 250 ms). */
  minIntervalMs?: number;
}

type Sink = 'kernel' | 'tty' | 'log';

export function progressReporter(label: string, options: ProgressOptions = {}): ProgressReporter {
  const minInterval = options.minIntervalMs ?? 250;
  const displayId = `milab-progress-${randomBytes(6).toString('hex')}`;
  let sink: Sink | undefined;
  let started = 0;
  let firstStep = 0;
  let lastDraw = 0;
  let lastDecile = -1;
  let shown = false;
  let finished = false;
  let latest: ProgressUpdate = { step: 0, total: 0 };

  const draw = (final: boolean) => {
    const now = Date.now();
    lastDraw = now;
    const line = describe(label, latest, (now - started) / 1000, firstStep, final);
    if (sink === 'kernel') {
      sendBundle(
        { 'text/html': html(label, latest, line), 'text/plain': line },
        { displayId, update: shown },
      );
    } else if (sink === 'tty') {
      const width = Math.max(20, (process.stderr.columns ?? 100) - 1);
      process.stderr.write(`\r${line.slice(0, width).padEnd(width)}${final ? '\n' : ''}`);
    } else {
      process.stderr.write(`${line}\n`);
    }
    shown = true;
  };

  const report = ((update: ProgressUpdate) => {
    const now = Date.now();
    if (sink === undefined) {
      sink = inKernel() ? 'kernel' : process.stderr.isTTY ? 'tty' : 'log';
      started = now;
      firstStep = update.step;
    }
    latest = { step: update.step, total: update.total, metrics: { ...(update.metrics ?? {}) } };
    finished = update.total > 0 && update.step >= update.total;
    if (finished) return draw(true);
    if (sink === 'log') {
      const decile = update.total > 0 ? Math.floor((10 * update.step) / update.total) : -1;
      if (!shown || decile > lastDecile || now - lastDraw >= 30_000) {
        lastDecile = Math.max(lastDecile, decile);
        draw(false);
      }
    } else if (!shown || now - lastDraw >= minInterval) {
      draw(false);
    }
  }) as ProgressReporter;

  report.done = () => {
    if (sink !== undefined && !finished) draw(true);
    finished = true;
  };
  return report;
}

function describe(
  label: string,
  p: ProgressUpdate,
  elapsed: number,
  firstStep: number,
  final: boolean,
): string {
  const parts: string[] = [label];
  const known = p.total > 0;
  if (known) {
    const fraction = Math.min(1, Math.max(0, p.step / p.total));
    const filled = Math.round(fraction * 20);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${p.step}/${p.total}`);
  } else {
    parts.push(`step ${p.step}`);
  }
  for (const [name, value] of Object.entries(p.metrics ?? {}))
    parts.push(`${name} ${formatMetric(value)}`);
  const rate = elapsed > 0 ? (p.step - firstStep) / elapsed : 0;
  if (rate > 0) parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)} steps/s`);
  if (final) parts.push(`done in ${formatDuration(elapsed)}`);
  else if (known && rate > 0) parts.push(`ETA ${formatDuration((p.total - p.step) / rate)}`);
  return parts.join(' · ');
}

function html(label: string, p: ProgressUpdate, line: string): string {
  const bar =
    p.total > 0
      ? `<progress value="${p.step}" max="${p.total}" ` +
        'style="width:12em;vertical-align:middle"></progress> '
      : '';
  const rest = line.slice(label.length).replace(/^ · \[[#.]*\] /, ' · ');
  return (
    '<div class="milab-progress" style="font-family:monospace">' +
    `<b>${escapeHtml(label)}</b> ${bar}${escapeHtml(rest.replace(/^ · /, ''))}</div>`
  );
}

function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3
    ? value.toExponential(2)
    : String(Number(value.toPrecision(4)));
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return seconds < 10 ? `${seconds.toFixed(1)}s` : `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
