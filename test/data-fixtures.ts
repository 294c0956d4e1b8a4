// Small files in the real dataset formats, written by the data tests (never downloaded).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `milab-${label}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const IDX_TYPES = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
} as const;

/** IDX bytes: magic, big-endian dims, big-endian elements. */
export function idxBytes(
  dtype: keyof typeof IDX_TYPES,
  shape: number[],
  values: ArrayLike<number>,
): Buffer {
  const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[dtype];
  const out = Buffer.alloc(4 + 4 * shape.length + values.length * size);
  out[2] = IDX_TYPES[dtype];
  out[3] = shape.length;
  shape.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  let o = 4 + 4 * shape.length;
  for (let i = 0; i < values.length; i++, o += size) {
    const v = values[i];
    if (dtype === 'uint8') out.writeUInt8(v, o);
    else if (dtype === 'int8') out.writeInt8(v, o);
    else if (dtype === 'int16') out.writeInt16BE(v, o);
    else if (dtype === 'int32') out.writeInt32BE(v, o);
    else if (dtype === 'float32') out.writeFloatBE(v, o);
    else out.writeDoubleBE(v, o);
  }
  return out;
}

/** n grey images of h x w where pixel (i, r, c) = (7i + 3r + c) mod 256, labels i mod classes. */
export function greyImages(
  n: number,
  h: number,
  w: number,
  classes: number,
): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) pixels[(i * h + r) * w + c] = (7 * i + 3 * r + c) % 256;
  return { pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % classes) };
}

/**
 * A ustar .tar.gz of the given members (in order); names over 100 bytes get a GNU long-name entry.
 */
export function tarGz(members: { name: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  const entry = (name: string, type: string, data: Uint8Array) => {
    const header = Buffer.alloc(512);
    header.write(name.slice(0, 100), 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write(type, 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512));
  };
  for (const m of members) {
    if (Buffer.byteLength(m.name) > 100) entry('././@LongLink', 'L', Buffer.from(m.name + '\0'));
    entry(m.name, m.name.endsWith('/') ? '5' : '0', m.data);
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

/** CIFAR-10 binary records: label byte + R plane + G plane + B plane (32x32 each). */
export function cifarRecords(labels: number[]): Buffer {
  const out = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let ch = 0; ch < 3; ch++)
      for (let p = 0; p < 1024; p++)
        out[r * 3073 + 1 + ch * 1024 + p] = (r * 31 + ch * 100 + p) % 256;
  });
  return out;
}

export function md5(data: Uint8Array): string {
  return crypto.createHash('md5').update(data).digest('hex');
}

export function sha256(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** A loopback HTTP server: path -> body (a number is a status code to answer with). */
export async function serve(
  routes: Record<string, Uint8Array | number>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = routes[req.url ?? ''];
    if (body === undefined || typeof body === 'number') {
      res.writeHead(typeof body === 'number' ? body : 404);
      res.end('no');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
    });
    res.end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Files left in a folder whose names mark an unfinished write. */
export function partialFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.part-|\.tmp-/.test(f));
}
