/**
 * `npm run bench [-- <name> ...] [--reps N]`: runs named benchmarks, prints a table and
 * writes JSON (machine, versions, medians, p95, metrics) to bench/results/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './benchmarks';
import { machine, median, quantile, type BenchRow } from './harness';

const root = join(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string' }, list: { type: 'boolean', default: false } },
});

if (values.list) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(16)} ${b.description}`);
  process.exit(0);
}
const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const selected = positionals.length ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : BENCHMARKS;
// ../shared beside the clone (CI, developers); MELLM_SHARED_DIR points elsewhere (e.g. from a git worktree).
const sharedCandidate = process.env.MELLM_SHARED_DIR ?? join(root, '..', 'shared');
const sharedDir = existsSync(sharedCandidate) ? sharedCandidate : null;
const reps = values.reps === undefined ? undefined : Number(values.reps);

const fmt = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3)) : '-');

function summarise(row: BenchRow) {
  const samples = row.samples ?? [];
  return {
    ...row,
    n: samples.length,
    medianMs: samples.length ? median(samples) : null,
    p95Ms: samples.length ? quantile(samples, 0.95) : null,
    samples: undefined,
  };
}

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
for (const benchmark of selected) {
  console.log(`\n== ${benchmark.name}: ${benchmark.description}`);
  const started = new Date();
  const rows = (await benchmark.run({ reps, sharedDir, log: (m) => console.log(`   ${m}`) })).map(summarise);
  const table = rows.map((row) => ({
    case: row.case,
    method: row.method,
    n: row.n,
    'median ms': row.medianMs === null ? '' : fmt(row.medianMs),
    'p95 ms': row.p95Ms === null ? '' : fmt(row.p95Ms),
    ...Object.fromEntries(Object.entries(row.metrics ?? {}).map(([k, v]) => [k, typeof v === 'number' ? fmt(v) : (v ?? '')])),
  }));
  console.table(table);
  const file = join(root, 'bench', 'results', `${benchmark.name}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: benchmark.name, description: benchmark.description, started: started.toISOString(), machine: machine(), sharedData: sharedDir !== null, rows }, null, 2)}\n`,
  );
  console.log(`   results: ${file}`);
}
