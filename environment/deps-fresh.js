// Exit 0 when node_modules matches package-lock.json, 1 when `npm ci` is needed (plain JS: it runs
// before anything is built). npm records what it installed in node_modules/.package-lock.json; that
// file omits optional packages skipped on this platform (e.g. fsevents on Linux).
const fs = require('node:fs');

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).packages || {};
  } catch {
    return null;
  }
}

function stale(reason) {
  console.log(reason);
  process.exit(1);
}

const wanted = read('package-lock.json');
const installed = read('node_modules/.package-lock.json');
if (!wanted) stale('package-lock.json is missing or unreadable');
if (!installed) stale('node_modules is missing');
// npm records a `file:` override's target under a path that is never created (the link itself is
// right), so link targets are not looked for on disk.
const linkTargets = new Set(Object.values(wanted).filter((e) => e.link).map((e) => e.resolved));
for (const [key, entry] of Object.entries(wanted)) {
  if (key === '') continue;
  const have = installed[key];
  if (!have) {
    if (entry.optional) continue;
    stale(`${key} is not installed`);
  }
  if (JSON.stringify(have) !== JSON.stringify(entry)) stale(`${key} differs from package-lock.json`);
  if (!linkTargets.has(key) && !fs.existsSync(key)) stale(`${key} is missing on disk`);
}
for (const key of Object.keys(installed)) if (!(key in wanted)) stale(`${key} is installed but not in package-lock.json`);
