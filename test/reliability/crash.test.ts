import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tmp';
import { runCrashCycles } from './support/crash-cycles';
import { artifactsDir } from './support/driver';
import { seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-crash-');
const CYCLES = Number(process.env.MELLM_CRASH_CYCLES ?? 100);
const SEED = Number(process.env.MELLM_CRASH_SEED ?? 20_261_124);

describe('crash durability', () => {
  it(`loses no acknowledged edit across ${CYCLES} SIGKILLs at seeded random moments`, async () => {
    const dir = tempDir();
    const workspace = join(dir, 'durable.mellm');
    const userData = join(dir, 'user');
    mkdirSync(userData);
    await seedWorkspace(workspace);
    const stats = await runCrashCycles({ workspace, userData, cycles: CYCLES, seed: SEED });
    const { recoveryMs, ...summary } = stats;
    writeFileSync(join(artifactsDir, 'crash.json'), JSON.stringify({ ...summary, recoveryMsMax: Math.max(...recoveryMs) }, null, 2));

    expect(stats.unexpectedExits).toEqual([]);
    expect(stats.lost).toBe(0);
    expect(stats.integrityOk).toBe(CYCLES);
    expect(stats.acked).toBeGreaterThan(CYCLES);
    expect(stats.ackedOverOneSecond).toBeGreaterThan(0);
    expect(stats.killedBeforeFirstAck).toBeGreaterThan(0);
  }, 600_000);
});
