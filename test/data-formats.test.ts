// File formats and file handling of the data layer, on small files generated here: IDX (raw and
// gzipped), CSV, tar.gz, CIFAR records, checksums with their cache, verified downloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import {
  MilabInputError,
  downloadVerified,
  extractTarGz,
  hashFile,
  parseIdx,
  readCsvRecords,
  readIdxFile,
  verifyFile,
  type RemoteFile,
} from 'milab';
import { CsvParser, checksumCacheFile, decodeCifarRecords } from 'milab/internal';
import {
  cifarRecords,
  idxBytes,
  md5,
  partialFiles,
  serve,
  sha256,
  tarGz,
  tempDir,
} from './data-fixtures';

const dir = tempDir('data-formats');
process.env.MILAB_CACHE_DIR = path.join(dir, 'cache');

/** Asserts a one-line MilabInputError whose message matches every pattern. */
async function rejectsOneLine(
  run: () => Promise<unknown> | unknown,
  ...patterns: RegExp[]
): Promise<void> {
  await assert.rejects(
    async () => run(),
    (err: Error) => {
      assert.ok(
        err instanceof MilabInputError,
        `expected MilabInputError, got ${err.name}: ${err.message}`,
      );
      assert.ok(!err.message.includes('\n'), `message is not one line: ${err.message}`);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

test('IDX: uint8 images round-trip, raw and gzipped, as a plain Uint8Array', async () => {
  const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 11) % 256);
  const raw = idxBytes('uint8', [2, 3, 4], values);
  fs.writeFileSync(path.join(dir, 'a-idx3-ubyte'), raw);
  fs.writeFileSync(path.join(dir, 'a-idx3-ubyte.gz'), zlib.gzipSync(raw));
  for (const name of ['a-idx3-ubyte', 'a-idx3-ubyte.gz']) {
    const idx = await readIdxFile(path.join(dir, name));
    assert.equal(idx.dtype, 'uint8');
    assert.deepEqual(idx.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(idx.data), values);
    assert.equal(
      Object.getPrototypeOf(idx.data),
      Uint8Array.prototype,
      'a Buffer would make slice() share memory',
    );
  }
});

test('IDX: wider element types are read big-endian', () => {
  assert.deepEqual(
    Array.from(parseIdx(idxBytes('int16', [3], [-2, 300, 7]), 'x').data),
    [-2, 300, 7],
  );
  assert.deepEqual(
    Array.from(parseIdx(idxBytes('int32', [2], [-70000, 123456789]), 'x').data),
    [-70000, 123456789],
  );
  assert.deepEqual(
    Array.from(parseIdx(idxBytes('float32', [2], [1.5, -0.25]), 'x').data),
    [1.5, -0.25],
  );
  assert.deepEqual(Array.from(parseIdx(idxBytes('float64', [1, 2], [Math.PI, -1e300]), 'x').data), [
    Math.PI,
    -1e300,
  ]);
  assert.deepEqual(Array.from(parseIdx(idxBytes('int8', [2], [-128, 127]), 'x').data), [-128, 127]);
});

test('IDX: bad magic, truncation, trailing bytes and corrupt gzip give one-line errors naming the file', async () => {
  const good = idxBytes('uint8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  await rejectsOneLine(
    () => parseIdx(Buffer.from('PK\x03\x04rest'), 'f.idx'),
    /^f\.idx: not an IDX file \(magic 0x50 0x4b 0x03 0x04/,
  );
  await rejectsOneLine(
    () => parseIdx(good.subarray(0, good.length - 1), 'f.idx'),
    /f\.idx: 19 bytes, but its IDX header \(uint8 \[4, 2\]\) needs 20 \(truncated\)/,
  );
  await rejectsOneLine(
    () => parseIdx(Buffer.concat([good, Buffer.from([0])]), 'f.idx'),
    /trailing bytes/,
  );
  await rejectsOneLine(() => parseIdx(good.subarray(0, 6), 'f.idx'), /IDX header truncated/);
  await rejectsOneLine(() => parseIdx(Buffer.from([0, 0]), 'f.idx'), /too short/);
  await rejectsOneLine(
    () => parseIdx(Buffer.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), 'f.idx'),
    /not an IDX file/,
  );
  const gz = zlib.gzipSync(good);
  const broken = path.join(dir, 'broken-idx1-ubyte.gz');
  fs.writeFileSync(broken, gz.subarray(0, gz.length - 10));
  await rejectsOneLine(
    () => readIdxFile(broken),
    new RegExp(`^${broken}: gzip data is corrupt or truncated`),
  );
  await rejectsOneLine(
    () => readIdxFile(path.join(dir, 'nope.gz')),
    /nope\.gz: cannot read \(ENOENT\)/,
  );
});

test('CSV: quotes, "" escapes, embedded newlines, CRLF and chunk boundaries anywhere', () => {
  const text = '"1","He said ""hi""","line one\nline two"\r\n2,plain,"a,b"\n\n"3","",x\n"4","end"';
  const expected = [
    ['1', 'He said "hi"', 'line one\nline two'],
    ['2', 'plain', 'a,b'],
    ['3', '', 'x'],
    ['4', 'end'],
  ];
  for (let cut = 0; cut <= text.length; cut++) {
    for (const step of [1, 3, 7, text.length]) {
      const parser = new CsvParser('t.csv');
      const records: string[][] = [];
      records.push(...parser.push(text.slice(0, cut)));
      for (let i = cut; i < text.length; i += step)
        records.push(...parser.push(text.slice(i, i + step)));
      records.push(...parser.end());
      assert.deepEqual(records, expected, `cut at ${cut}, step ${step}`);
    }
  }
});

test('CSV: an unterminated quote or junk after a closing quote is a one-line error', async () => {
  const p = new CsvParser('t.csv');
  assert.deepEqual(p.push('"1","ok"\n"2","never closed\n'), [['1', 'ok']]);
  await rejectsOneLine(() => p.end(), /t\.csv: record 2 ends inside a quoted field/);
  await rejectsOneLine(
    () => new CsvParser('u.csv').push('"1"x,2\n'),
    /u\.csv: record 1 has "x" after a closing quote/,
  );
});

test('CSV: readCsvRecords streams a file and stops when the callback returns false', async () => {
  const file = path.join(dir, 'many.csv');
  const rows = Array.from(
    { length: 5000 },
    (_, i) => `"${(i % 4) + 1}","title ${i}","body with ""quote"" ${i}\nand newline"`,
  );
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const seen: string[][] = [];
  await readCsvRecords(file, (fields) => {
    seen.push(fields);
  });
  assert.equal(seen.length, 5000);
  assert.deepEqual(seen[4321], ['2', 'title 4321', 'body with "quote" 4321\nand newline']);
  let n = 0;
  await readCsvRecords(file, () => ++n < 10);
  assert.equal(n, 10);
});

test('tar.gz: selected members are extracted with their SHA-256; others are skipped', async () => {
  const a = Buffer.from('alpha'.repeat(300));
  const b = Buffer.alloc(512, 7); // exactly one block: no padding
  const empty = Buffer.alloc(0);
  const archive = path.join(dir, 'x.tar.gz');
  fs.writeFileSync(
    archive,
    tarGz([
      { name: 'top/a.bin', data: a },
      { name: 'top/skip.txt', data: Buffer.from('zz') },
      { name: 'top/b.bin', data: b },
      { name: 'top/e', data: empty },
    ]),
  );
  const out = path.join(dir, 'x-out');
  const got = await extractTarGz(archive, {
    'top/a.bin': path.join(out, 'a.bin'),
    'top/b.bin': path.join(out, 'b.bin'),
    'top/e': path.join(out, 'e'),
  });
  assert.deepEqual(
    got.map((m) => [m.member, m.bytes, m.sha256]),
    [
      ['top/a.bin', a.length, sha256(a)],
      ['top/b.bin', 512, sha256(b)],
      ['top/e', 0, sha256(empty)],
    ],
  );
  assert.deepEqual(fs.readFileSync(path.join(out, 'a.bin')), a);
  assert.deepEqual(fs.readFileSync(path.join(out, 'b.bin')), b);
  assert.deepEqual(fs.readdirSync(out).sort(), ['a.bin', 'b.bin', 'e']);

  const longName = `deep/${'n'.repeat(120)}.bin`;
  fs.writeFileSync(
    archive,
    tarGz([
      { name: 'deep/', data: empty },
      { name: longName, data: a },
      { name: 'deep/short', data: b },
    ]),
  );
  const long = await extractTarGz(archive, {
    [longName]: path.join(out, 'long.bin'),
    'deep/short': path.join(out, 'short'),
  });
  assert.deepEqual(
    long.map((m) => [m.member, m.sha256]),
    [
      [longName, sha256(a)],
      ['deep/short', sha256(b)],
    ],
  );
});

test('tar.gz: a missing member, a truncated or a non-gzip archive writes nothing', async () => {
  const archive = path.join(dir, 'y.tar.gz');
  const bytes = tarGz([
    { name: 'y/one', data: Buffer.alloc(3000, 1) },
    { name: 'y/two', data: Buffer.alloc(3000, 2) },
  ]);
  fs.writeFileSync(archive, bytes);
  const out = path.join(dir, 'y-out');
  await rejectsOneLine(
    () =>
      extractTarGz(archive, { 'y/one': path.join(out, 'one'), 'y/three': path.join(out, 'three') }),
    /y\.tar\.gz: archive lacks y\/three/,
  );
  assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], []);
  const truncated = zlib.gzipSync(zlib.gunzipSync(bytes).subarray(0, 2000));
  fs.writeFileSync(archive, truncated);
  await rejectsOneLine(
    () => extractTarGz(archive, { 'y/one': path.join(out, 'one') }),
    /not a readable \.tar\.gz \(archive ends in the middle of a member/,
  );
  fs.writeFileSync(archive, 'plain text, not gzip');
  await rejectsOneLine(
    () => extractTarGz(archive, { 'y/one': path.join(out, 'one') }),
    /not a readable \.tar\.gz/,
  );
  assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], []);
});

test('CIFAR-10 records decode to HWC pixels and labels; a partial record is an error', async () => {
  const bytes = cifarRecords([3, 9]);
  const images = new Uint8Array(2 * 3072);
  const labels = new Uint8Array(2);
  assert.equal(decodeCifarRecords(bytes, 'b.bin', images, labels, 0, 2), 2);
  assert.deepEqual(Array.from(labels), [3, 9]);
  // image 1, pixel (row 2, col 5) = plane offset 69; channel c sits at 3 * 69 + c
  for (let c = 0; c < 3; c++) assert.equal(images[3072 + 3 * 69 + c], (31 + c * 100 + 69) % 256);
  await rejectsOneLine(
    () => decodeCifarRecords(bytes.subarray(0, 3073 + 5), 'b.bin', images, labels, 0, 2),
    /b\.bin: 3078 bytes is not a whole number of 3073-byte CIFAR records/,
  );
  const badLabel = cifarRecords([10]);
  await rejectsOneLine(
    () => decodeCifarRecords(badLabel, 'b.bin', images, labels, 0, 1),
    /record 0 has label 10/,
  );
});

test('checksums: any recorded digest is accepted; mismatch, size and missing files are one-line errors', async () => {
  const file = path.join(dir, 'payload.bin');
  const data = Buffer.from('some dataset bytes');
  fs.writeFileSync(file, data);
  assert.deepEqual(await hashFile(file, ['sha256', 'md5']), {
    sha256: sha256(data),
    md5: md5(data),
  });
  const wrong = { algorithm: 'sha256' as const, hex: '0'.repeat(64), origin: 'test' };
  assert.equal(
    await verifyFile(
      file,
      { digests: [wrong, { algorithm: 'md5', hex: md5(data), origin: 'test' }] },
      'hint',
    ),
    'md5',
  );
  await rejectsOneLine(
    () => verifyFile(file, { digests: [wrong] }, 'get a new copy'),
    /payload\.bin: SHA-256 [0-9a-f]{64} does not match the recorded 0{64} .*: get a new copy$/,
  );
  await rejectsOneLine(
    () => verifyFile(file, { bytes: 5, digests: [wrong] }, 'h'),
    /has 18 bytes, expected 5/,
  );
  await rejectsOneLine(
    () => verifyFile(path.join(dir, 'absent.bin'), { digests: [wrong] }, 'install it'),
    /absent\.bin is missing: install it$/,
  );
});

test('checksum cache: reused while the file is unchanged, recomputed after a change', async () => {
  const file = path.join(dir, 'cached.bin');
  fs.writeFileSync(file, 'original!');
  const good = {
    digests: [{ algorithm: 'sha256' as const, hex: sha256(Buffer.from('original!')), origin: 't' }],
  };
  await verifyFile(file, good, 'h');
  const cache = JSON.parse(fs.readFileSync(checksumCacheFile(), 'utf8'));
  assert.equal(cache[`sha256 ${path.resolve(file)}`].hex, good.digests[0].hex);
  // Poison the cached digest: an unchanged file must be judged by the cache (proving it is used)
  // ...
  cache[`sha256 ${path.resolve(file)}`].hex = 'f'.repeat(64);
  fs.writeFileSync(checksumCacheFile(), JSON.stringify(cache));
  await rejectsOneLine(() => verifyFile(file, good, 'h'), /f{64} does not match/);
  // ... and a rewritten file (same size, new content and mtime) must be hashed again.
  fs.writeFileSync(file, 'tampered!');
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  await rejectsOneLine(
    () => verifyFile(file, good, 'h'),
    new RegExp(`SHA-256 ${sha256(Buffer.from('tampered!'))} does not match`),
  );
});

test('download: verified file lands atomically; bad digest, short body or HTTP errors leave nothing', async () => {
  const body = Buffer.alloc(3 << 20, 9); // several chunks
  const server = await serve({
    '/good.bin': body,
    '/other.bin': Buffer.from('not it'),
    '/gone.bin': 404,
  });
  try {
    const out = path.join(dir, 'dl');
    const check = {
      bytes: body.length,
      digests: [{ algorithm: 'md5' as const, hex: md5(body), origin: 'test' }],
    };
    const remote = (file: string, ...urls: string[]): RemoteFile => ({
      file,
      urls: urls.map((u) => server.url + u),
      check,
    });
    const steps: number[] = [];
    const dest = await downloadVerified(
      remote('f.bin', '/gone.bin', '/good.bin'),
      path.join(out, 'f.bin'),
      { onProgress: (p) => steps.push(p.step) },
    );
    assert.deepEqual(fs.readFileSync(dest), body);
    assert.equal(steps[steps.length - 1], body.length);
    assert.ok(steps.length >= 3 && steps.length < 10, `progress reported ${steps.length} times`);

    await rejectsOneLine(
      () => downloadVerified(remote('g.bin', '/gone.bin', '/other.bin'), path.join(out, 'g.bin')),
      /could not download g\.bin .*gone\.bin: HTTP 404.*other\.bin: got 6 bytes, expected 3145728/,
    );
    const noSize = { ...remote('h.bin', '/other.bin'), check: { digests: check.digests } };
    await rejectsOneLine(
      () => downloadVerified(noSize, path.join(out, 'h.bin')),
      /MD5 [0-9a-f]{32} does not match the published/,
    );
    assert.deepEqual(fs.readdirSync(out).sort(), ['f.bin']);
    assert.deepEqual(partialFiles(out), []);
  } finally {
    await server.close();
  }
});
