import type { Claim, ClaimOptions, ClaimsStore, Sync } from '../interface';
import { SqliteRepo } from './statements';
import { toClaim, type ClaimRow } from '../rows';

/**
 * Leases on batch work: a worker claims a unit (one event's analysis) before running it
 * and renews the lease while it runs. A lease that runs out means its owner died: the
 * next taker retries it, up to the claim's attempts; then it stays failed with the reason.
 */
export class ClaimsRepo extends SqliteRepo implements Sync<ClaimsStore> {

  get(key: string): Claim | null {
    const row = this.sql('SELECT * FROM job_claims WHERE key = ?').get(key) as ClaimRow | undefined;
    return row ? toClaim(row) : null;
  }

  claim(key: string, owner: string, options: ClaimOptions): { claimed: boolean; claim: Claim } {
    return this.db.transaction(() => {
      const now = Date.now();
      const current = this.get(key);
      const take = (attempts: number) => {
        this.sql(
          `INSERT INTO job_claims (key, owner, state, attempts, lease_until, error, checkpoint) VALUES (?, ?, 'running', ?, ?, NULL, NULL)
           ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, state = 'running', attempts = excluded.attempts,
             lease_until = excluded.lease_until, error = NULL,
             checkpoint = CASE WHEN excluded.attempts > 1 THEN job_claims.checkpoint END`,
        ).run(key, owner, attempts, now + options.leaseMs);
        return { claimed: true, claim: this.get(key) as Claim };
      };
      if (!current) return take(1);
      if (current.state !== 'running') {
        const retake = options.again || (options.retryFailed && current.state === 'failed');
        return retake ? take(1) : { claimed: false, claim: current };
      }
      // Running: a live lease is someone's work; a lease run out is a dead owner's, retried while attempts remain.
      if (current.leaseUntil <= now && current.attempts < options.maxAttempts) return take(current.attempts + 1);
      // A dead owner's work out of attempts is failed work: a new batch or a fresh run starts it over.
      if (current.leaseUntil <= now && (options.again || options.retryFailed)) return take(1);
      return { claimed: false, claim: current };
    })();
  }

  renew(key: string, owner: string, leaseMs: number): boolean {
    const { changes } = this.sql("UPDATE job_claims SET lease_until = ? WHERE key = ? AND owner = ? AND state = 'running'").run(Date.now() + leaseMs, key, owner);
    return changes > 0;
  }

  saveCheckpoint(key: string, owner: string, checkpoint: Uint8Array): boolean {
    const { changes } = this.sql("UPDATE job_claims SET checkpoint = ? WHERE key = ? AND owner = ? AND state = 'running'").run(Buffer.from(checkpoint), key, owner);
    return changes > 0;
  }

  finish(key: string, owner: string): void {
    this.sql("UPDATE job_claims SET state = 'done', lease_until = 0, error = NULL, checkpoint = NULL WHERE key = ? AND owner = ? AND state = 'running'").run(key, owner);
  }

  fail(key: string, owner: string, error: string, options: { retry: boolean }): Claim | null {
    // A retry leaves the claim running with its lease over, so the next claim() takes it.
    const state = options.retry ? 'running' : 'failed';
    this.sql("UPDATE job_claims SET state = ?, lease_until = 0, error = ? WHERE key = ? AND owner = ? AND state = 'running'").run(state, error, key, owner);
    return this.get(key);
  }
}
