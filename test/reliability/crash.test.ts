import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniform } from '../../src/main/analysis/synth/random';
import { openWorkspace } from '../../src/main/store/workspace';
import { useTempDir } from '../helpers/tmp';
import { artifactsDir, buildDriver, runDriver } from './support/driver';
import { seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-crash-');
const CYCLES = Number(process.env.MELLM_CRASH_CYCLES ?? 100);
const SEED = Number(process.env.MELLM_CRASH_SEED ?? 20_261_124);
const AUTOSAVE_PROMISE_NS = 1_000_000_000n;

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

describe('crash durability', () => {
  it(`loses no acknowledged edit across ${CYCLES} SIGKILLs at seeded random moments`, async () => {
    const dir = tempDir();
    const workspace = join(dir, 'durable.mellm');
    const userData = join(dir, 'user');
    mkdirSync(userData);
    seedWorkspace(workspace);
    const driver = buildDriver('annotate');
    const random = uniform(SEED);
    const stats = { cycles: 0, acked: 0, ackedOverOneSecond: 0, lost: 0, killedBeforeFirstAck: 0, integrityOk: 0 };

    const start = (cycle: number) => runDriver(driver, [workspace, userData, `c${cycle}`, '1000000']);
    let next = start(0);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = next;
      await run.waitFor(/^READY$/);
      run.child.stdin!.write('go\n');
      // The next driver loads its modules while this one is edited, killed and checked.
      if (cycle + 1 < CYCLES) next = start(cycle + 1);
      // Most kills land in the middle of the edit stream; some during start-up (open,
      // migration, stale-lock takeover); every 40th after more than a second of edits.
      const mode = cycle % 40 === 39 ? 'long' : random() < 0.15 ? 'startup' : 'edits';
      if (mode === 'startup') {
        await new Promise((r) => setTimeout(r, random() * 40));
      } else {
        await run.waitFor(/^ACK /);
        await new Promise((r) => setTimeout(r, mode === 'long' ? 1100 + random() * 300 : random() * 150));
      }
      const killedAt = process.hrtime.bigint();
      run.child.kill('SIGKILL');
      const exit = await run.exited;
      expect(exit.signal, `cycle ${cycle} ended by itself: ${run.lines.slice(-3).join(' | ')} ${run.stderr()}`).toBe('SIGKILL');

      const acks = run.lines.map(parseAck).filter((a): a is Ack => a !== null);
      if (acks.length === 0) stats.killedBeforeFirstAck++;
      const ws = openWorkspace(workspace);
      try {
        expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
        stats.integrityOk++;
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

    writeFileSync(join(artifactsDir, 'crash.json'), JSON.stringify({ seed: SEED, ...stats }, null, 2));
    expect(stats.lost).toBe(0);
    expect(stats.integrityOk).toBe(CYCLES);
    expect(stats.acked).toBeGreaterThan(CYCLES);
    expect(stats.ackedOverOneSecond).toBeGreaterThan(0);
  }, 600_000);
});
