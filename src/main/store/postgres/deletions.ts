import { AppError } from '@shared/errors';
import type { DeletionAudit } from '@shared/workspace';
import { PG_NOW } from '../migrations';
import type { Sql } from './session';

export type DeletionTarget = DeletionAudit['target'];

/** SQL conditions for rows nobody deleted (an event also needs its clip). */
export const LIVE_CLIP = 'c.deleted_at IS NULL';
export const LIVE_EVENT = 'e.deleted_at IS NULL AND c.deleted_at IS NULL';
/** One row when the event with id $1 exists and is live. */
export const LIVE_EVENT_BY_ID = `SELECT 1 FROM events e JOIN clips c ON c.id = e.clip_id WHERE ${LIVE_EVENT} AND e.id = $1`;

const NAME = { event: 'Event', clip: 'Clip' } as const;
const TABLE = { event: 'events', clip: 'clips' } as const;

const APPROVED = {
  event: "SELECT 1 FROM annotations WHERE event_id = $1 AND status = 'approved' LIMIT 1",
  clip: "SELECT 1 FROM annotations a JOIN events e ON e.id = a.event_id WHERE e.clip_id = $1 AND e.deleted_at IS NULL AND a.status = 'approved' LIMIT 1",
} as const;

const HISTORY = `SELECT d.id, d.target, d.target_id AS "targetId", d.action, n.name AS "by", d.at
  FROM deletions d JOIN annotators n ON n.id = d.actor_id WHERE d.target = $1 AND d.target_id = $2 ORDER BY d.id`;

/**
 * Soft delete and restore of clips and events, shared by both repositories (the same
 * rules as SQLite's). Callers run it inside their own write transaction; the target row
 * is locked first, so two workstations deleting at once cannot both record it.
 */
export const deletions = {
  async delete(sql: Sql, target: DeletionTarget, id: number, by: string): Promise<DeletionAudit> {
    const actor = await actorOf(sql, target, id, by, 'delete');
    if ((await deletedAt(sql, target, id)) !== null) throw new AppError('INVALID_INPUT', `${NAME[target]} ${id} is already deleted`);
    await sql.run(`UPDATE ${TABLE[target]} SET deleted_at = ${PG_NOW}, deleted_by = $1 WHERE id = $2`, [actor, id]);
    return record(sql, target, id, 'delete', actor);
  },

  async restore(sql: Sql, target: DeletionTarget, id: number, by: string): Promise<void> {
    const actor = await actorOf(sql, target, id, by, 'restore');
    if ((await deletedAt(sql, target, id)) === null) throw new AppError('INVALID_INPUT', `${NAME[target]} ${id} is not deleted`);
    await sql.run(`UPDATE ${TABLE[target]} SET deleted_at = NULL, deleted_by = NULL WHERE id = $1`, [id]);
    await record(sql, target, id, 'restore', actor);
  },

  history(sql: Sql, target: DeletionTarget, id: number): Promise<DeletionAudit[]> {
    return sql.rows<DeletionAudit>(HISTORY, [target, id]);
  },
};

async function deletedAt(sql: Sql, target: DeletionTarget, id: number): Promise<string | null> {
  const row = await sql.one<{ deleted_at: string | null }>(`SELECT deleted_at FROM ${TABLE[target]} WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw new AppError('NOT_FOUND', `No ${target} ${id} in this workspace`);
  return row.deleted_at;
}

async function actorOf(sql: Sql, target: DeletionTarget, id: number, by: string, action: 'delete' | 'restore'): Promise<number> {
  const name = by.trim();
  if (!name) throw new AppError('FORBIDDEN', 'Set your annotator name in Settings first: deletions are recorded under it');
  await deletedAt(sql, target, id);
  await sql.run("INSERT INTO annotators (name, role) VALUES ($1, 'annotator') ON CONFLICT (name) DO NOTHING", [name]);
  const actor = (await sql.one<{ id: number; role: string }>('SELECT id, role FROM annotators WHERE name = $1', [name]))!;
  if (actor.role !== 'reviewer' && (await sql.one(APPROVED[target], [id])) !== undefined) {
    throw new AppError('FORBIDDEN', `${NAME[target]} ${id} holds an approved label: only a reviewer can ${action} it (${name} is not a reviewer)`);
  }
  return actor.id;
}

async function record(sql: Sql, target: DeletionTarget, id: number, action: DeletionAudit['action'], actorId: number): Promise<DeletionAudit> {
  const inserted = (await sql.one<{ id: number }>('INSERT INTO deletions (target, target_id, action, actor_id) VALUES ($1, $2, $3, $4) RETURNING id', [target, id, action, actorId]))!;
  return (await deletions.history(sql, target, id)).find((d) => d.id === inserted.id) as DeletionAudit;
}
