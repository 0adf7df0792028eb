import type { ImportProblem, ImportProblemGroup, ImportProblemKind } from '@shared/corpus-import';

/**
 * Problems grouped by kind and severity, with how many rows each touches and the first
 * as an example: errors first, then the biggest groups.
 */
export function groupProblems(problems: readonly ImportProblem[]): ImportProblemGroup[] {
  const groups = new Map<string, { group: ImportProblemGroup; rows: Set<number> }>();
  for (const p of problems) {
    const key = `${p.severity}\u0000${p.kind}`;
    let entry = groups.get(key);
    if (!entry) groups.set(key, (entry = { group: { kind: p.kind, severity: p.severity, rows: 0, first: p }, rows: new Set() }));
    entry.rows.add(p.row);
  }
  return [...groups.values()]
    .map(({ group, rows }) => ({ ...group, rows: rows.size }))
    .sort((a, b) => (a.severity === b.severity ? b.rows - a.rows || a.first.row - b.first.row : a.severity === 'error' ? -1 : 1));
}

/** What each kind of problem is, in a few words (the CLI summary and refusals). */
export const PROBLEM_KIND_TEXT: Readonly<Record<ImportProblemKind, string>> = {
  workbook: 'about the workbook',
  'no-rows': 'no data rows',
  'missing-value': 'a required cell is blank',
  'not-a-number': 'frame number is not a number',
  'frame-order': 'onset, apex and offset out of order',
  'unsafe-name': 'name points outside the media root',
  'bad-path': 'frame path unusable',
  'clip-not-found': 'clip folder not found',
  'clip-unreadable': 'clip unreadable',
  'frame-not-in-clip': 'frame not in the clip',
  'aus-not-facs': 'AU text not FACS',
  'aus-uncertain': 'AU coding marked uncertain (imported, flagged)',
  'apex-missing': 'no apex (imported without one)',
  'emotion-too-long': 'emotion text too long',
  'unknown-source': 'source dataset unknown',
  'unknown-label': 'class label unknown',
  'bad-fps': 'frame rate unusable',
  'fps-conflict': 'frame rates disagree for one clip',
  'duplicate-row': 'same event as an earlier row (skipped)',
  'already-present': 'already in the workspace (skipped)',
};

/** "12 rows: clip folder not found (first at row 17, Filename: …)". */
export function describeGroup(group: ImportProblemGroup): string {
  const { first } = group;
  const where = first.row > 0 ? `row ${first.row}, ${first.column}` : first.column;
  return `${group.rows} row${group.rows === 1 ? '' : 's'}: ${PROBLEM_KIND_TEXT[group.kind]}${group.severity === 'warning' ? ' [warning]' : ''} (first at ${where}: ${first.message})`;
}
