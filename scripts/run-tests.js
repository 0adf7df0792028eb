#!/usr/bin/env node
// Runs the vitest projects (unit + integration, reliability, then e2e in Chromium) and closes with
// one plain summary line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const artifacts = join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

if (!existsSync(join(root, 'out', 'renderer', 'index.html')) || !existsSync(join(root, 'out', 'main', 'cli.js'))) {
  console.log('No build found: running npm run build first.');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const only = process.argv.slice(2);
const projects = only.length ? only : ['unit', 'reliability', 'e2e'];
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

for (const project of projects) {
  const report = join(artifacts, `vitest-${project}.json`);
  const run = spawnSync(
    'npx',
    ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) exitCode = run.status ?? 1;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests ?? 0;
    totals.failed += json.numFailedTests ?? 0;
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  } else if (run.status !== 0) {
    totals.failed += 1;
  }
}

if (totals.passed + totals.failed === 0) exitCode = exitCode || 1;
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
