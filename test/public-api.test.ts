// The public API is an explicit list: the README's API table names only what milab exports, no
// module file is re-exported wholesale, and the internals stay behind milab/internal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as milab from 'milab';
import * as internal from 'milab/internal';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'lib', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Type names that a declaration file of the library exports (types have no runtime value). */
function exportedTypeNames(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /export (?:declare )?(?:interface|type|class|abstract class) (\w+)/g,
    )) {
      names.add(m[1]);
    }
  }
  return names;
}

test("every name in the README's Library API section is exported by milab", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Library API');
  assert.ok(start >= 0, 'README has a "## Library API" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const types = exportedTypeNames();
  const runtime = milab as unknown as Record<string, unknown>;
  const missing: string[] = [];
  let checked = 0;
  for (const [, code] of section.matchAll(/`([^`\n]+)`/g)) {
    // `name(args)`, `name`, `ns.name(...)`; skip paths, option values and expressions.
    const m = /^(?:new )?([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?(?:\(.*\))?$/.exec(code.trim());
    if (!m || code.includes('/') || /^['"]/.test(code)) continue;
    const [, head, member] = m;
    if (
      ['opts', 'task', 'options', 'x', 'y', 'z', 'warning', 'regularizer', 'result'].includes(head)
    )
      continue; // argument names
    checked++;
    if (member !== undefined && head !== 'tf') {
      const ns = runtime[head] as Record<string, unknown> | undefined;
      if (!ns || !(member in ns)) missing.push(code);
    } else if (!(head in runtime) && !types.has(head)) {
      missing.push(code);
    }
  }
  assert.ok(checked > 50, `the API section names ${checked} functions; the parser lost them`);
  assert.deepEqual(missing, [], `README names what milab does not export: ${missing.join(', ')}`);
});

test('no module file is re-exported wholesale (each area lists its public names)', () => {
  const wholesale: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^export \* from '([^']+)';/gm)) {
      const target = path.resolve(path.dirname(file), m[1]);
      // Allowed: re-exporting an area's index (itself an explicit list).
      const isArea = fs.existsSync(path.join(target, 'index.ts'));
      if (!isArea) wholesale.push(`${path.relative(ROOT, file)}: export * from '${m[1]}'`);
    }
  }
  assert.deepEqual(wholesale, []);
});

test('internals are not public, and the papers are namespaces', () => {
  const publicNames = new Set(Object.keys(milab));
  const leaked = Object.keys(internal).filter((name) => publicNames.has(name));
  assert.deepEqual(leaked, [], 'a name is either public or internal');
  for (const name of [
    'hstack',
    'logGamma',
    'checkOptionNames',
    'validateEstimate',
    'writeFileAtomic',
  ]) {
    assert.ok(name in internal, `${name} is reachable for tests`);
  }
  const papers = fs.readdirSync(path.join(SRC, 'papers'));
  assert.ok(papers.length >= 2);
  const index = fs.readFileSync(path.join(SRC, 'index.ts'), 'utf8');
  for (const paper of papers) {
    assert.match(
      index,
      new RegExp(`export \\* as \\w+ from './papers/${paper}'`),
      `papers/${paper} is a namespace`,
    );
    assert.doesNotMatch(
      index,
      new RegExp(`export \\* from './papers/${paper}'`),
      `papers/${paper} is not flattened`,
    );
  }
});
