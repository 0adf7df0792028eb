import { AppError } from '@shared/errors';
import type { Annotator } from '@shared/workspace';
import type { AnnotatorsStore } from '../interface';
import { PgRepo } from './repo';
import type { Sql } from './session';

/** Annotator profiles: a name and a role (annotator or reviewer). */
export class PgAnnotatorsRepo extends PgRepo implements AnnotatorsStore {
  list(): Promise<Annotator[]> {
    return this.sql.rows<Annotator>('SELECT id, name, role FROM annotators ORDER BY name');
  }

  byName(name: string): Promise<Annotator | null> {
    return annotatorByName(this.sql, name);
  }

  create(name: string, role: Annotator['role']): Promise<Annotator> {
    return this.sql.write(async (sql) => {
      const created = await sql.one<Annotator>('INSERT INTO annotators (name, role) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, name, role', [name, role]);
      if (!created) throw new AppError('INVALID_INPUT', `An annotator called “${name}” already exists`);
      return created;
    });
  }

  /** Renames or changes the role; annotations follow the profile (they reference its id). */
  update(id: number, patch: { name?: string; role?: Annotator['role'] }): Promise<Annotator> {
    return this.sql.write(async (sql) => {
      const current = await sql.one<Annotator>('SELECT id, name, role FROM annotators WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw new AppError('NOT_FOUND', `No annotator ${id} in this workspace`);
      const next = { ...current, ...patch };
      const clash = await annotatorByName(sql, next.name);
      if (clash && clash.id !== id) throw new AppError('INVALID_INPUT', `An annotator called “${next.name}” already exists`);
      await sql.run('UPDATE annotators SET name = $1, role = $2 WHERE id = $3', [next.name, next.role, id]);
      return next;
    });
  }

  /** The profile acting now, which must exist and be a reviewer. */
  async requireReviewer(name: string): Promise<Annotator> {
    const who = name ? await annotatorByName(this.sql, name) : null;
    if (who?.role !== 'reviewer') {
      throw new AppError('FORBIDDEN', name ? `${name} is not a reviewer: only reviewers may decide on annotations` : 'Choose a reviewer profile in Settings first');
    }
    return who;
  }
}

export async function annotatorByName(sql: Sql, name: string): Promise<Annotator | null> {
  return (await sql.one<Annotator>('SELECT id, name, role FROM annotators WHERE name = $1', [name])) ?? null;
}

/** The annotator with this name, created on first use (with `role`). */
export async function ensureAnnotator(sql: Sql, name: string, role: Annotator['role'] = 'annotator'): Promise<Annotator> {
  await sql.run('INSERT INTO annotators (name, role) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, role]);
  return (await annotatorByName(sql, name))!;
}
