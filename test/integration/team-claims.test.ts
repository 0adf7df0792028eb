import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, openWorkspace, type WorkspaceStore } from '../../src/main/store';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

// "Analyse all" from several workstations: each event's analysis is a claim in
// job_claims. A workstation that finds a unit being claimed by another right now moves
// on at once (SKIP LOCKED) instead of queueing behind its row lock.

let server: TestPostgres;
let url: string;

beforeAll(async () => {
  server = await startTestPostgres();
  url = (await server.createDatabase('mellm_claims')).url;
  await (await createWorkspace(url)).close();
}, 120_000);
afterAll(async () => server?.stop());

const lease = { leaseMs: 60_000, maxAttempts: 2 };

describe('job claims on PostgreSQL', () => {
  it('skips a unit another workstation is claiming this very moment (its row locked) without waiting, and takes it once that lease runs out', async () => {
    const a: WorkspaceStore = await openWorkspace(url);
    const b: WorkspaceStore = await openWorkspace(url);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      expect((await a.claims.claim('analysis:k:event:1', 'A', { ...lease, leaseMs: 1 })).claimed).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The lease ran out: its row is up for the taking, but another workstation is taking it now.
      await holder.query('BEGIN');
      await holder.query("SELECT * FROM job_claims WHERE key = 'analysis:k:event:1' FOR UPDATE");
      const started = performance.now();
      const busy = await b.claims.claim('analysis:k:event:1', 'B', lease);
      const waitedMs = performance.now() - started;
      expect(busy.claimed).toBe(false);
      // What the runner reads as "someone else's live work": it skips the unit rather than failing it.
      expect(busy.claim.state).toBe('running');
      expect(busy.claim.leaseUntil).toBeGreaterThan(Date.now());
      expect(waitedMs).toBeLessThan(1000);
      await holder.query('ROLLBACK');
      const taken = await b.claims.claim('analysis:k:event:1', 'B', lease);
      expect(taken).toMatchObject({ claimed: true, claim: { owner: 'B', attempts: 2 } });
    } finally {
      await holder.end();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
