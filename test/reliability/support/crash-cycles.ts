import { uniform } from '../../../src/main/analysis/synth/random';
// The SQLite layer itself: the same open (stale-lock takeover, WAL recovery) with its connection for integrity_check.
import { openSqliteWorkspace } from '../../../src/main/store/sqlite/connection';
import { buildDriver, runDriver } from './driver';

/** The autosave promise: an edit acknowledged this long before a crash must survive it. */
const AUTOSAVE_PROMISE_NS = 1_000_000_000n;

export interface CrashOptions {
  readonly workspace: string;
  readonly userData: string;
  readonly cycles: number;
  readonly seed: number;
}

export interface CrashStats {
  seed: number;
  cycles: number;
  /** Edits the driver acknowledged, in all cycles. */
  acked: number;
  /** Acknowledged more than 1 s before their kill (the autosave promise). */
  ackedOverOneSecond: number;
  /** Acknowledged edits missing after the kill: must be 0. */
  lost: number;
  killedBeforeFirstAck: number;
  integrityOk: number;
  /** Cycles whose driver ended by itself instead of by our SIGKILL (a crash of its own). */
  unexpectedExits: string[];
  /** Per cycle: reopening after the kill (stale-lock takeover, WAL recovery) + integrity check, ms. */
  recoveryMs: number[];
}

interface Ack {
  readonly tag: string;
  readonly id: number;
  readonly version: number;
  readonly at: bigint;
}

const parseAck = (line: string): Ack | null => {
  const m = /^ACK (\S+) (\d+) (\d+) (\d+)$/.exec(line);
  return m ? { tag: m[1]!, id: Number(m[2]), version: Number(m[3]), at: BigInt(m[4]!) } : null;
};

/**
 * Starts the annotate driver, lets it save edits through the real API, SIGKILLs it at a
 * seeded random moment, then reopens the workspace and checks integrity and that every
 * acknowledged edit is there (its audit snapshot and a current version at least as new).
 * The next driver loads while the previous cycle is checked.
 */
export async function runCrashCycles(options: CrashOptions): Promise<CrashStats> {
  const driver = buildDriver('annotate');
  const random = uniform(options.seed);
  const stats: CrashStats = {
    seed: options.seed,
    cycles: 0,
    acked: 0,
    ackedOverOneSecond: 0,
    lost: 0,
    killedBeforeFirstAck: 0,
    integrityOk: 0,
    unexpectedExits: [],
    recoveryMs: [],
  };
  const start = (cycle: number) => runDriver(driver, [options.workspace, options.userData, `c${cycle}`, '1000000']);
  let next = start(0);
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const run = next;
    await run.waitFor(/^READY$/);
    run.child.stdin!.write('go\n');
    if (cycle + 1 < options.cycles) next = start(cycle + 1);
    // Most kills land in the middle of the edit stream; some during open (stale-lock
    // takeover, WAL recovery); every 40th after more than a second of edits.
    const mode = cycle % 40 === 39 ? 'long' : random() < 0.15 ? 'startup' : 'edits';
    if (mode !== 'startup') await run.waitFor(/^ACK /);
    await new Promise((r) => setTimeout(r, mode === 'long' ? 1100 + random() * 300 : mode === 'startup' ? random() * 40 : random() * 150));
    const killedAt = process.hrtime.bigint();
    run.child.kill('SIGKILL');
    const exit = await run.exited;
    if (exit.signal !== 'SIGKILL') stats.unexpectedExits.push(`cycle ${cycle}: ${run.lines.slice(-2).join(' | ')} ${run.stderr()}`);

    const acks = run.lines.map(parseAck).filter((a): a is Ack => a !== null);
    if (acks.length === 0) stats.killedBeforeFirstAck++;
    const reopened = performance.now();
    const ws = openSqliteWorkspace(options.workspace);
    try {
      if (ws.db.pragma('integrity_check', { simple: true }) === 'ok') stats.integrityOk++;
      stats.recoveryMs.push(performance.now() - reopened);
      const audit = ws.db.prepare('SELECT snapshot FROM annotation_events WHERE annotation_id = ? AND version = ?');
      const latest = ws.db.prepare('SELECT version FROM annotations WHERE id = ?');
      for (const ack of acks) {
        const row = audit.get(ack.id, ack.version) as { snapshot: string } | undefined;
        const present = row !== undefined && (JSON.parse(row.snapshot) as { description: string }).description === ack.tag;
        const current = (latest.get(ack.id) as { version: number } | undefined)?.version ?? 0;
        if (!present || current < ack.version) stats.lost++;
        if (killedAt - ack.at > AUTOSAVE_PROMISE_NS) stats.ackedOverOneSecond++;
      }
    } finally {
      ws.close();
    }
    stats.acked += acks.length;
    stats.cycles++;
  }
  return stats;
}
