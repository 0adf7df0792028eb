import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { lockPathFor } from '../../../src/main/store/sqlite/lock';
import { buildDriver, runDriver } from './driver';

export interface LockRaceOptions {
  /** The workspace whose lock is raced for (the file itself is not opened). */
  readonly workspace: string;
  readonly processes: number;
  readonly rounds: number;
}

export interface LockRaceStats {
  readonly rounds: number;
  /** Holder counts of the rounds that did not end with exactly one holder. */
  readonly wrongHolders: number[];
  /** Refusals that were not a typed WORKSPACE_LOCKED. */
  readonly untyped: string[];
  /** Per round: from the common start until every process answered, ms. */
  readonly roundMs: number[];
  /** The drivers' exits (code, signal) and their peak resident memory, KiB. */
  readonly exits: { code: number | null; signal: NodeJS.Signals | null; stderr: string }[];
  readonly maxRssKiB: number;
}

/** Stale locks as a crash leaves them: a dead owner, garbage, an empty file. */
const STALE = [JSON.stringify({ pid: 2_147_483_646, host: hostname(), at: 'x' }), 'garbage\u0000', ''];

/**
 * `processes` lock-race drivers take over one stale lock at the same moment, `rounds`
 * times: each round plants a stale lock, starts them together, counts who holds the lock,
 * and has the holder release it.
 */
export async function runLockRace({ workspace, processes, rounds }: LockRaceOptions): Promise<LockRaceStats> {
  const driver = buildDriver('lock-race');
  const racers = Array.from({ length: processes }, () => runDriver(driver, [workspace]));
  try {
    await Promise.all(racers.map((r) => r.waitFor(/^READY$/)));
    const wrongHolders: number[] = [];
    const untyped: string[] = [];
    const roundMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      writeFileSync(lockPathFor(workspace), STALE[round % STALE.length]!);
      const at = Date.now() + 5; // a start in the near future, which every driver waits for
      for (const r of racers) r.child.stdin!.write(`GO ${round} ${at}\n`);
      const answers = await Promise.all(racers.map((r) => r.waitFor(new RegExp(`^(HELD|REFUSED) ${round}( |$)`))));
      roundMs.push(Date.now() - at);
      const held = answers.filter((a) => a.startsWith('HELD')).length;
      if (held !== 1) wrongHolders.push(held);
      untyped.push(...answers.filter((a) => a.startsWith('REFUSED') && !a.endsWith('WORKSPACE_LOCKED')));
      for (const r of racers) r.child.stdin!.write(`END ${round}\n`);
      await Promise.all(racers.map((r) => r.waitFor(new RegExp(`^FREE ${round}$`))));
    }
    for (const r of racers) r.child.stdin!.end();
    const rss = await Promise.all(racers.map((r) => r.waitFor(/^RSS \d+$/)));
    const exits = await Promise.all(racers.map(async (r) => ({ ...(await r.exited), stderr: r.stderr() })));
    return { rounds, wrongHolders, untyped, roundMs, exits, maxRssKiB: Math.max(...rss.map((line) => Number(line.slice(4)))) };
  } finally {
    for (const r of racers) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  }
}
