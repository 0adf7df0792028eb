import type { Claim, ClaimOptions, ClaimsStore } from '../interface';
import { PgRepo } from './repo';
import type { Sql } from './session';
import { toClaim, type ClaimRow } from '../rows';

async function claimByKey(sql: Sql, key: string, lock = false): Promise<Claim | null> {
  const row = await sql.one<ClaimRow>(`SELECT * FROM job_claims WHERE key = $1${lock ? ' FOR UPDATE' : ''}`, [key]);
  return row ? toClaim(row) : null;
}

/**
 * Leases on batch work (the rules of sqlite/claims.ts). A claim locks its row first
 * (`FOR UPDATE SKIP LOCKED`): of two workstations asking for one unit at once, one takes
 * it and the other, finding the row locked, moves on as if it saw a live lease. Lease
 * times are each workstation's clock (epoch ms).
 */
export class PgClaimsRepo extends PgRepo implements ClaimsStore {
  get(key: string): Promise<Claim | null> {
    return claimByKey(this.sql, key);
  }

  claim(key: string, owner: string, options: ClaimOptions): Promise<{ claimed: boolean; claim: Claim }> {
    return this.sql.write(async (sql) => {
      const now = Date.now();
      const take = async (attempts: number) => {
        const row = await sql.one<ClaimRow>(
          `INSERT INTO job_claims (key, owner, state, attempts, lease_until, error, checkpoint) VALUES ($1, $2, 'running', $3, $4, NULL, NULL)
           ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, state = 'running', attempts = excluded.attempts,
             lease_until = excluded.lease_until, error = NULL,
             checkpoint = CASE WHEN excluded.attempts > 1 THEN job_claims.checkpoint END
           RETURNING *`,
          [key, owner, attempts, now + options.leaseMs],
        );
        return { claimed: true, claim: toClaim(row!) };
      };
      // A unit nobody has claimed yet: the first insert wins, a concurrent one finds its row below.
      const fresh = await sql.one<ClaimRow>(
        `INSERT INTO job_claims (key, owner, state, attempts, lease_until) VALUES ($1, $2, 'running', 1, $3) ON CONFLICT (key) DO NOTHING RETURNING *`,
        [key, owner, now + options.leaseMs],
      );
      if (fresh) return { claimed: true, claim: toClaim(fresh) };
      // SKIP LOCKED: a row locked now is being claimed by another workstation; its work, not
      // ours to wait for (a batch moves on to its next unit, as with a live lease).
      const locked = await sql.one<ClaimRow>('SELECT * FROM job_claims WHERE key = $1 FOR UPDATE SKIP LOCKED', [key]);
      if (!locked) {
        const seen = (await claimByKey(sql, key))!;
        return { claimed: false, claim: { ...seen, state: 'running', leaseUntil: Math.max(seen.leaseUntil, now + options.leaseMs) } };
      }
      const current = toClaim(locked);
      if (current.state !== 'running') {
        const retake = options.again || (options.retryFailed && current.state === 'failed');
        return retake ? take(1) : { claimed: false, claim: current };
      }
      if (current.leaseUntil <= now && current.attempts < options.maxAttempts) return take(current.attempts + 1);
      if (current.leaseUntil <= now && (options.again || options.retryFailed)) return take(1);
      return { claimed: false, claim: current };
    });
  }

  renew(key: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.sql.write(async (sql) => (await sql.run("UPDATE job_claims SET lease_until = $1 WHERE key = $2 AND owner = $3 AND state = 'running'", [Date.now() + leaseMs, key, owner])) > 0);
  }

  saveCheckpoint(key: string, owner: string, checkpoint: Uint8Array): Promise<boolean> {
    return this.sql.write(async (sql) => (await sql.run("UPDATE job_claims SET checkpoint = $1 WHERE key = $2 AND owner = $3 AND state = 'running'", [Buffer.from(checkpoint), key, owner])) > 0);
  }

  async finish(key: string, owner: string): Promise<void> {
    await this.sql.write((sql) => sql.run("UPDATE job_claims SET state = 'done', lease_until = 0, error = NULL, checkpoint = NULL WHERE key = $1 AND owner = $2 AND state = 'running'", [key, owner]));
  }

  fail(key: string, owner: string, error: string, options: { retry: boolean }): Promise<Claim | null> {
    const state = options.retry ? 'running' : 'failed';
    return this.sql.write(async (sql) => {
      await sql.run("UPDATE job_claims SET state = $1, lease_until = 0, error = $2 WHERE key = $3 AND owner = $4 AND state = 'running'", [state, error, key, owner]);
      return claimByKey(sql, key);
    });
  }
}
