import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLockRace } from '../../../test/reliability/support/lock-race';
import type { BenchRow } from '../../harness';

const PROCESSES = 4;
const ROUNDS = 100;

/**
 * Workspace lock under contention: 4 processes take over one stale lock at the same
 * moment, 100 times. Samples are the rounds (common start until every process answered);
 * the figures that must hold are 0 rounds without exactly one holder and no file left.
 */
export async function locksReliabilityRows(log: (m: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-locks-'));
  try {
    const workspace = join(dir, 'race.mellm');
    writeFileSync(workspace, '');
    const started = performance.now();
    const stats = await runLockRace({ workspace, processes: PROCESSES, rounds: ROUNDS });
    const wallMs = performance.now() - started;
    const leftovers = readdirSync(dir).filter((name) => name !== 'race.mellm').length;
    log(`stale-lock race: ${stats.rounds} rounds × ${PROCESSES} processes, ${stats.wrongHolders.length} without exactly one holder, ${Math.round(wallMs)} ms`);
    return [
      {
        case: `stale-lock takeover, ${PROCESSES} processes × ${ROUNDS} rounds`,
        method: 'O_EXCL|O_NOFOLLOW lock + compare-and-swap takeover claim',
        samples: stats.roundMs,
        metrics: {
          wallMs: Math.round(wallMs),
          roundsWithoutOneHolder: stats.wrongHolders.length,
          untypedRefusals: stats.untyped.length,
          filesLeft: leftovers,
          crashedProcesses: stats.exits.filter((e) => e.code !== 0 || e.signal !== null).length,
          peakRssMiBPerProcess: Math.round(stats.maxRssKiB / 1024),
        },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
