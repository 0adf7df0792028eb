import { AppError } from '@shared/errors';
import type { DeletionAudit } from '@shared/workspace';
import { SqliteRepo } from './statements';

export type DeletionTarget = DeletionAudit['target'];

/** SQL conditions for rows nobody deleted (an event also needs its clip). */
export const LIVE_CLIP = 'c.deleted_at IS NULL';
export const LIVE_EVENT = 'e.deleted_at IS NULL AND c.deleted_at IS NULL';
/** One row when the event with this id exists and is live. */
export const LIVE_EVENT_BY_ID = `SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT} AND e.id = ?`;

const NAME = { event: 'Event', clip: 'Clip' } as const;
const TABLE = { event: 'events', clip: 'clips' } as const;

// Whether the target holds an approved label still in use (a clip: through its own live events).
const APPROVED = {
  event: "SELECT 1 FROM annotations WHERE event_id = ? AND status = 'approved' LIMIT 1",
  clip: "SELECT 1 FROM annotations a JOIN events e ON e.id = a.event_id WHERE e.clip_id = ? AND e.deleted_at IS NULL AND a.status = 'approved' LIMIT 1",
} as const;

/**
 * Soft delete and restore of clips and events, shared by both repositories: who may do
 * it, the `deleted_at`/`deleted_by` columns and the append-only trail. Callers run it
 * inside their own transaction.
 */
export class Deletions extends SqliteRepo {
  /** Marks the row deleted by `by` and appends it to the trail; refuses rows already deleted. */
  delete(target: DeletionTarget, id: number, by: string): DeletionAudit {
    const actor = this.#actor(target, id, by, 'delete');
    if (this.#deletedAt(target, id) !== null) throw new AppError('INVALID_INPUT', `${NAME[target]} ${id} is already deleted`);
    this.sql(`UPDATE ${TABLE[target]} SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), deleted_by = ? WHERE id = ?`).run(actor, id);
    return this.#record(target, id, 'delete', actor);
  }

  /** Clears the deletion and appends the restore to the trail; refuses rows that are not deleted. */
  restore(target: DeletionTarget, id: number, by: string): void {
    const actor = this.#actor(target, id, by, 'restore');
    if (this.#deletedAt(target, id) === null) throw new AppError('INVALID_INPUT', `${NAME[target]} ${id} is not deleted`);
    this.sql(`UPDATE ${TABLE[target]} SET deleted_at = NULL, deleted_by = NULL WHERE id = ?`).run(id);
    this.#record(target, id, 'restore', actor);
  }

  history(target: DeletionTarget, id: number): DeletionAudit[] {
    return this.sql(
      `SELECT d.id, d.target, d.target_id AS targetId, d.action, n.name AS by, d.at
       FROM deletions d JOIN annotators n ON n.id = d.actor_id WHERE d.target = ? AND d.target_id = ? ORDER BY d.id`,
    ).all(target, id) as DeletionAudit[];
  }

  /** When the row was deleted (null: it is live); NOT_FOUND when there is no such row at all. */
  #deletedAt(target: DeletionTarget, id: number): string | null {
    const row = this.sql(`SELECT deleted_at FROM ${TABLE[target]} WHERE id = ?`).get(id) as { deleted_at: string | null } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No ${target} ${id} in this workspace`);
    return row.deleted_at;
  }

  /** The acting profile's id (created on first use, as a label save does); a reviewer where an approved label is at stake. */
  #actor(target: DeletionTarget, id: number, by: string, action: 'delete' | 'restore'): number {
    const name = by.trim();
    if (!name) throw new AppError('FORBIDDEN', 'Set your annotator name in Settings first: deletions are recorded under it');
    this.#deletedAt(target, id);
    this.sql("INSERT INTO annotators (name, role) VALUES (?, 'annotator') ON CONFLICT (name) DO NOTHING").run(name);
    const actor = this.sql('SELECT id, role FROM annotators WHERE name = ?').get(name) as { id: number; role: string };
    if (actor.role !== 'reviewer' && this.sql(APPROVED[target]).get(id) !== undefined) {
      throw new AppError('FORBIDDEN', `${NAME[target]} ${id} holds an approved label: only a reviewer can ${action} it (${name} is not a reviewer)`);
    }
    return actor.id;
  }

  #record(target: DeletionTarget, id: number, action: DeletionAudit['action'], actorId: number): DeletionAudit {
    const { lastInsertRowid } = this.sql('INSERT INTO deletions (target, target_id, action, actor_id) VALUES (?, ?, ?, ?)').run(target, id, action, actorId);
    return this.history(target, id).find((d) => d.id === Number(lastInsertRowid)) as DeletionAudit;
  }
}
