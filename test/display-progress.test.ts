import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressReporter } from 'milab';
import { installFakeKernel } from './display-fake-kernel';

function captureStderr(t: {
  mock: { method: (o: object, m: string, f: (chunk: string) => boolean) => unknown };
}): string[] {
  const writes: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => {
    writes.push(String(chunk));
    return true;
  });
  return writes;
}

test('in a log (stderr not a terminal) 10,000 steps print about one line per 10%', (t) => {
  const writes = captureStderr(t);
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
  const report = progressReporter('train');
  for (let step = 1; step <= 10_000; step++)
    report({ step, total: 10_000, metrics: { loss: 1 / step } });
  const lines = writes.join('').trimEnd().split('\n');
  assert.ok(lines.length >= 10 && lines.length <= 12, `${lines.length} lines`);
  assert.match(lines[0], /^train · \[\.{20}\] 1\/10000 · loss 1/);
  assert.match(
    lines.at(-1)!,
    /^train · \[#{20}\] 10000\/10000 · loss 1\.00e-4 · \d+ steps\/s · done in /,
  );
});

test('on a terminal the bar is redrawn in place with \\r and ends with a newline', (t) => {
  const writes = captureStderr(t);
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  const report = progressReporter('fit', { minIntervalMs: 0 });
  for (let step = 1; step <= 5; step++) report({ step, total: 5, metrics: {} });
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
  assert.equal(writes.length, 5);
  assert.ok(writes.every((w) => w.startsWith('\r')));
  assert.ok(writes.slice(0, 4).every((w) => !w.includes('\n')));
  assert.match(writes[4], /5\/5 .*done in .*\n$/);
});

test('in a notebook one display is updated in place, at most a few times a second', () => {
  const kernel = installFakeKernel();
  try {
    const report = progressReporter('MINE');
    for (let step = 1; step <= 2000; step++) report({ step, total: 2000, metrics: { mi: 0.5 } });
  } finally {
    kernel.uninstall();
  }
  const sent = kernel.sent;
  assert.ok(sent.length >= 2 && sent.length < 20, `${sent.length} display messages`);
  const id = sent[0].transient?.display_id;
  assert.ok(id);
  assert.ok(
    sent.every((m) => m.transient?.display_id === id),
    'one display',
  );
  assert.equal(sent[0].update, false);
  assert.ok(
    sent.slice(1).every((m) => m.update),
    'then updates',
  );
  const last = sent.at(-1)!.data;
  assert.match(last['text/plain'] as string, /2000\/2000 · mi 0\.5 .*done in/);
  assert.match(last['text/html'] as string, /<progress value="2000" max="2000"/);
});

test('done() closes a loop that stopped early; unknown totals show the step count', (t) => {
  const writes = captureStderr(t);
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
  const early = progressReporter('early stop');
  early({ step: 3, total: 100 });
  early.done();
  early.done();
  const open = progressReporter('open-ended');
  open({ step: 7, total: 0, metrics: { loss: 2.5 } });
  const lines = writes.join('').trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^early stop · .* 3\/100 .*done in/);
  assert.match(lines[2], /^open-ended · step 7 · loss 2\.5/);
});
