// Streaming extraction of selected members from a .tar.gz (ustar, with GNU long names and pax
// headers), using only Node's zlib: datasets ship as tarballs and no tar dependency is needed.
// Members are written to temporary files and renamed into place only when every requested member
// was found, so a broken archive leaves no partial dataset behind.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { MilabInputError, inputError } from '../errors';

const BLOCK = 512;

export interface ExtractedMember {
  /** Path inside the archive. */
  member: string;
  /** Where it was written. */
  file: string;
  bytes: number;
  sha256: string;
}

/**
 * Extract `members` (archive path -> destination file) from `archive`. Throws a one-line error
 * naming the archive when it is not a valid gzipped tar or lacks a requested member.
 */
export async function extractTarGz(
  archive: string,
  members: Record<string, string>,
): Promise<ExtractedMember[]> {
  const wanted = new Map(Object.entries(members));
  const done: (ExtractedMember & { temp: string })[] = [];
  const temps: string[] = [];
  try {
    await pipeline(
      fs.createReadStream(archive),
      zlib.createGunzip(),
      async (source: AsyncIterable<Buffer>) => {
        const reader = new TarReader();
        let current: {
          member: string;
          dest: string;
          temp: string;
          handle: fs.promises.FileHandle;
          hash: crypto.Hash;
          bytes: number;
        } | null = null;
        try {
          for await (const chunk of source) {
            for (const event of reader.push(chunk)) {
              if (event.kind === 'start') {
                const dest = wanted.get(event.name);
                if (dest === undefined) continue;
                fs.mkdirSync(path.dirname(dest), { recursive: true });
                const temp = `${dest}.part-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
                temps.push(temp);
                current = {
                  member: event.name,
                  dest,
                  temp,
                  handle: await fs.promises.open(temp, 'w'),
                  hash: crypto.createHash('sha256'),
                  bytes: 0,
                };
              } else if (event.kind === 'data' && current) {
                current.hash.update(event.bytes);
                await current.handle.write(event.bytes);
                current.bytes += event.bytes.length;
              } else if (event.kind === 'end' && current) {
                await current.handle.close();
                done.push({
                  member: current.member,
                  file: current.dest,
                  temp: current.temp,
                  bytes: current.bytes,
                  sha256: current.hash.digest('hex'),
                });
                wanted.delete(current.member);
                current = null;
              }
            }
          }
          reader.finish();
        } finally {
          if (current) await current.handle.close();
        }
      },
    );
  } catch (err) {
    for (const t of temps) fs.rmSync(t, { force: true });
    throw new MilabInputError(`${archive}: not a readable .tar.gz (${(err as Error).message})`);
  }
  try {
    if (wanted.size > 0) inputError(`${archive}: archive lacks ${[...wanted.keys()].join(', ')}`);
    for (const m of done) fs.renameSync(m.temp, m.file);
  } finally {
    for (const t of temps) fs.rmSync(t, { force: true });
  }
  return done.map(({ temp: _temp, ...m }) => m);
}

type TarEvent =
  { kind: 'start'; name: string; size: number } | { kind: 'data'; bytes: Buffer } | { kind: 'end' };

/** What the bytes after a header are: a member we report, a GNU long name, a pax header, or
 * skipped. */
interface Body {
  target: 'member' | 'longname' | 'pax' | 'skip';
  remaining: number;
  padding: number;
}

/** A push parser: feed it decompressed bytes, get member start/data/end events. */
class TarReader {
  private pending: Buffer = Buffer.alloc(0);
  private body: Body | null = null;
  private meta: Buffer[] = [];
  private nextName: string | null = null; // from a preceding long-name or pax header
  private ended = false;

  push(chunk: Buffer): TarEvent[] {
    const events: TarEvent[] = [];
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    while (!this.ended) {
      const body = this.body;
      if (body) {
        if (body.remaining > 0) {
          const take = Math.min(body.remaining, this.pending.length - pos);
          if (take === 0) break;
          const bytes = this.pending.subarray(pos, pos + take);
          if (body.target === 'member') events.push({ kind: 'data', bytes });
          else if (body.target !== 'skip') this.meta.push(Buffer.from(bytes));
          pos += take;
          body.remaining -= take;
          if (body.remaining > 0) break;
        }
        if (this.pending.length - pos < body.padding) break;
        pos += body.padding;
        this.body = null;
        if (body.target === 'member') events.push({ kind: 'end' });
        else if (body.target !== 'skip') this.finishMeta(body.target);
        continue;
      }
      if (this.pending.length - pos < BLOCK) break;
      const header = this.pending.subarray(pos, pos + BLOCK);
      pos += BLOCK;
      if (header.every((b) => b === 0)) {
        this.ended = true; // end-of-archive marker
        break;
      }
      this.body = this.readHeader(header, events);
    }
    this.pending = this.pending.subarray(pos);
    return events;
  }

  finish(): void {
    if (!this.ended && (this.body !== null || this.pending.length > 0)) {
      throw new Error('archive ends in the middle of a member (truncated)');
    }
  }

  private readHeader(header: Buffer, events: TarEvent[]): Body {
    if (!checksumOk(header)) throw new Error('bad tar header checksum (corrupt archive)');
    const size = parseSize(header.subarray(124, 136));
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]);
    if (type === 'L') return { target: 'longname', remaining: size, padding };
    if (type === 'x') return { target: 'pax', remaining: size, padding };
    // Only POSIX ustar headers have a name prefix; old GNU headers keep access times at that
    // offset.
    const posix = header.subarray(257, 263).toString('latin1') === 'ustar\0';
    const prefix = posix ? cString(header.subarray(345, 500)) : '';
    const plain = cString(header.subarray(0, 100));
    const name = (this.nextName ?? (prefix ? `${prefix}/${plain}` : plain)).replace(/^\.\//, '');
    this.nextName = null;
    // Regular files ('0', old '\0', contiguous '7'); directories, links and global headers are
    // skipped.
    if (type !== '0' && type !== '7') return { target: 'skip', remaining: size, padding };
    events.push({ kind: 'start', name, size });
    return { target: 'member', remaining: size, padding };
  }

  private finishMeta(target: 'longname' | 'pax'): void {
    const text = Buffer.concat(this.meta).toString('utf8');
    this.meta = [];
    if (target === 'longname') this.nextName = text.replace(/\0[\s\S]*$/, '');
    else {
      for (const line of text.split('\n')) {
        const m = /^\d+ path=(.*)$/.exec(line);
        if (m) this.nextName = m[1];
      }
    }
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parseSize(field: Buffer): number {
  if (field[0] & 0x80) {
    let v = 0; // GNU base-256 encoding for sizes >= 8 GiB
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`bad tar size field '${text}'`);
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(header: Buffer): boolean {
  const recorded = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === recorded;
}
