// The closing cell of every paper notebook: the committed full-profile results (the paper's scale),
// shown beside whatever profile the notebook just ran.
import { showTable } from '../display/table';
import { committedResults, resultRecords } from './results';

/** Show results/<notebook>.json as two tables (rows, then claims with their evidence), or say how
 * to compute it when none is committed. Returns whether one was found. */
export function showCommittedResults(notebook: string): boolean {
  const committed = committedResults(notebook);
  if (!committed) {
    console.log(
      'no full-profile results are committed yet; ' +
        `\`npm run full -- --only ${notebook}\` computes them`,
    );
    return false;
  }
  const at =
    `${committed.profile} profile, backend ${committed.backend}, ` +
    `commit ${committed.commit.slice(0, 7)}`;
  showTable(resultRecords(committed), { caption: `results/${notebook}.json: ${at}` });
  if (committed.claims.length > 0) {
    showTable(
      committed.claims.map((c) => ({ claim: c.claim, verdict: c.verdict, evidence: c.evidence })),
      { caption: `The paper's claims at its scale (${at})` },
    );
  }
  return true;
}
