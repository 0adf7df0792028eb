import type pg from 'pg';
import type { Annotator } from '@shared/workspace';
import type { WorkspaceRepos } from '../interface';
import { pgAppError } from './errors';

/** The team roles of scripts/postgres-setup.sql: people are login roles granted one of them. */
export const TEAM_ROLES = ['annotator', 'reviewer'] as const;

/** Who the connection is on a team server: its login role and the team role it holds. */
export interface PgIdentity {
  readonly name: string;
  readonly role: Annotator['role'];
}

/**
 * The connection's team identity: its login role when that role is a member of
 * `annotator` or `reviewer` (and not a superuser, who is a member of everything and whom
 * row-level security does not bind); null otherwise (a database without the team set-up,
 * or its owner at work), where names are taken as the caller gives them, as on a file.
 * A member is enrolled as an annotator profile under their role name at once, with the
 * team role they hold now.
 */
export async function readIdentity(pool: pg.Pool, location: string): Promise<PgIdentity | null> {
  try {
    const { rows } = await pool.query<{ name: string; reviewer: boolean; member: boolean }>(
      `SELECT current_user AS name,
              EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'reviewer' AND pg_has_role(current_user, r.oid, 'MEMBER')) AS reviewer,
              EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN ('annotator', 'reviewer') AND pg_has_role(current_user, r.oid, 'MEMBER'))
                AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS member`,
    );
    const row = rows[0];
    if (!row?.member) return null;
    const identity: PgIdentity = { name: row.name, role: row.reviewer ? 'reviewer' : 'annotator' };
    await pool.query(
      `INSERT INTO annotators (name, role) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET role = excluded.role WHERE annotators.role IS DISTINCT FROM excluded.role`,
      [identity.name, identity.role],
    );
    return identity;
  } catch (error) {
    throw pgAppError(error, location);
  }
}

/**
 * Repositories that record every label, decision and deletion under the connection's
 * role, whatever name the caller passes: on a team server the login is the identity, and
 * the policies refuse any other name anyway (this makes the store say so by acting right
 * instead of failing on a name typed in Settings).
 */
export function actingAs(repos: WorkspaceRepos, identity: PgIdentity | null): WorkspaceRepos {
  if (!identity) return repos;
  const { annotations, clips, events } = repos;
  const me = identity.name;
  return {
    ...repos,
    annotations: overriding(annotations, {
      save: (input) => annotations.save({ ...input, annotator: me }),
      review: (id, _reviewer, decision, comment, baseVersion) => annotations.review(id, me, decision, comment, baseVersion),
    }),
    clips: overriding(clips, { delete: (id) => clips.delete(id, me), restore: (id) => clips.restore(id, me) }),
    events: overriding(events, { delete: (id) => events.delete(id, me), restore: (id) => events.restore(id, me) }),
  };
}

/** `repo` with some methods replaced; the others still called on `repo` itself. */
function overriding<T extends object>(repo: T, methods: Partial<T>): T {
  return new Proxy(repo, {
    get(target, name, receiver) {
      if (Object.hasOwn(methods, name)) return methods[name as keyof T];
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
