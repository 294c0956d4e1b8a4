// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// (0, 0, element type, number of dimensions), one big-endian uint32 per dimension, then the
// elements in row-major order, big-endian. Files may be gzipped (detected by content, not name).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { inputError } from '../errors';

const gunzip = promisify(zlib.gunzip);

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

const TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/**
 * Parse IDX bytes. `label` names the source in errors (usually the file path). uint8 data is a view
 * into `bytes` (no copy); wider types are copied into native-endian arrays.
 */
export function parseIdx(bytes: Uint8Array, label: string): IdxArray {
  if (bytes.length < 4) inputError(`${label}: ${bytes.length} bytes is too short for an IDX file`);
  const type = TYPES[bytes[2]];
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || ndims === 0) {
    const magic = Array.from(
      bytes.subarray(0, 4),
      (b) => '0x' + b.toString(16).padStart(2, '0'),
    ).join(' ');
    inputError(
      `${label}: not an IDX file ` +
        `(magic ${magic}; expected 0x00 0x00 <type 0x08-0x0e> <ndims >= 1>)`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes)
    inputError(
      `${label}: IDX header truncated (${bytes.length} bytes, header needs ${headerBytes})`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    inputError(
      `${label}: ${bytes.length} bytes, ` +
        `but its IDX header (${type.dtype} [${shape.join(', ')}]) needs ${expected} ` +
        `(${bytes.length < expected ? 'truncated' : 'trailing bytes'})`,
    );
  }
  return {
    dtype: type.dtype,
    shape,
    data: readElements(view, headerBytes, count, type.dtype, bytes),
  };
}

function readElements(
  view: DataView,
  offset: number,
  count: number,
  dtype: IdxDtype,
  bytes: Uint8Array,
): IdxData {
  switch (dtype) {
    case 'uint8':
      // A plain Uint8Array view, not a Buffer: Buffer#slice shares memory where Uint8Array#slice
      // copies.
      return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Read and parse an IDX file, raw or gzipped. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  let raw: Buffer;
  try {
    raw = await fs.promises.readFile(file);
  } catch (err) {
    inputError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseIdx(await maybeGunzip(raw, file), file);
}

/** Gunzip when the bytes start with the gzip magic (1f 8b); otherwise return them unchanged. */
export async function maybeGunzip(raw: Buffer, label: string): Promise<Buffer> {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return await gunzip(raw);
  } catch (err) {
    inputError(`${label}: gzip data is corrupt or truncated (${(err as Error).message})`);
  }
}
