// A notebook written for a test: a markdown title and these code cells, in a fresh folder under
// .cache (inside the repository, so that tslab resolves 'milab' from the notebook's folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../scripts/notebook-runner';

export function tinyNotebook(name: string, cells: string[]): { file: string; dir: string } {
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.cache', `${name}-`));
  const file = path.join(dir, `${name}.ipynb`);
  const code = (source: string) => ({
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    source,
  });
  fs.writeFileSync(
    file,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {
        kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      },
      cells: [{ cell_type: 'markdown', metadata: {}, source: `# ${name}` }, ...cells.map(code)],
    }),
  );
  return { file, dir };
}
