import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashCycles } from '../../test/reliability/support/crash-cycles';
import { seedWorkspace } from '../../test/reliability/support/workspace';
import type { Benchmark } from '../harness';
import { importsReliabilityRows } from './reliability/imports';
import { locksReliabilityRows } from './reliability/locks';
import { modelsReliabilityRows } from './reliability/models';
import { pathsReliabilityRows } from './reliability/paths';

/**
 * The heavy variant of the crash-durability test: many more SIGKILLs of a driver saving
 * annotations, on a small and on a larger workspace. Samples are the recovery times
 * (reopen with stale-lock takeover and WAL recovery, plus integrity_check). Then the
 * hostile inputs, each with its time and peak memory: 100k bad sheet rows, a 3M-row
 * workbook and zip bombs, hostile chat templates, special export paths and forged media,
 * a 100 MB POST and an upscale burst, and the stale-lock takeover race.
 */
export const reliabilityBenchmark: Benchmark = {
  name: 'reliability',
  description: 'Crash durability (SIGKILL cycles, edits lost must be 0, recovery time) and hostile inputs refused in time and memory',
  async run({ reps = 300, log }) {
    const rows = [];
    for (const events of [4, 2000]) {
      const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-crash-'));
      try {
        const workspace = join(dir, 'durable.mellm');
        mkdirSync(join(dir, 'user'));
        await seedWorkspace(workspace, events);
        const stats = await runCrashCycles({ workspace, userData: join(dir, 'user'), cycles: reps, seed: 7 + events });
        log(`${events} events: ${stats.cycles} kills, ${stats.acked} acknowledged edits, ${stats.lost} lost`);
        const { recoveryMs, unexpectedExits, ...metrics } = stats;
        rows.push({ case: `${events} events`, method: 'SIGKILL + reopen + integrity_check', samples: recoveryMs, metrics: { ...metrics, unexpectedExits: unexpectedExits.length } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const more of [importsReliabilityRows, modelsReliabilityRows, pathsReliabilityRows, locksReliabilityRows]) rows.push(...(await more(log)));
    return rows;
  },
};
