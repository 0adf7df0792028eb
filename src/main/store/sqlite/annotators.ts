import { AppError } from '@shared/errors';
import type { Annotator } from '@shared/workspace';
import type { AnnotatorsStore, Sync } from '../interface';
import { SqliteRepo } from './statements';

/** Local annotator profiles: a name and a role (annotator or reviewer). No passwords: the app is single-user per machine. */
export class AnnotatorsRepo extends SqliteRepo implements Sync<AnnotatorsStore> {

  list(): Annotator[] {
    return this.sql('SELECT id, name, role FROM annotators ORDER BY name').all() as Annotator[];
  }

  byName(name: string): Annotator | null {
    return (this.sql('SELECT id, name, role FROM annotators WHERE name = ?').get(name) as Annotator | undefined) ?? null;
  }

  create(name: string, role: Annotator['role']): Annotator {
    return this.db.transaction(() => {
      if (this.byName(name)) throw new AppError('INVALID_INPUT', `An annotator called “${name}” already exists`);
      this.sql('INSERT INTO annotators (name, role) VALUES (?, ?)').run(name, role);
      return this.byName(name) as Annotator;
    })();
  }

  /** Renames or changes the role; annotations follow the profile (they reference its id). */
  update(id: number, patch: { name?: string; role?: Annotator['role'] }): Annotator {
    return this.db.transaction(() => {
      const current = this.sql('SELECT id, name, role FROM annotators WHERE id = ?').get(id) as Annotator | undefined;
      if (!current) throw new AppError('NOT_FOUND', `No annotator ${id} in this workspace`);
      const next = { ...current, ...patch };
      const clash = this.byName(next.name);
      if (clash && clash.id !== id) throw new AppError('INVALID_INPUT', `An annotator called “${next.name}” already exists`);
      this.sql('UPDATE annotators SET name = ?, role = ? WHERE id = ?').run(next.name, next.role, id);
      return next;
    })();
  }

  /** The profile acting now, which must exist and be a reviewer. */
  requireReviewer(name: string): Annotator {
    const who = name ? this.byName(name) : null;
    if (who?.role !== 'reviewer') {
      throw new AppError('FORBIDDEN', name ? `${name} is not a reviewer: only reviewers may decide on annotations` : 'Choose a reviewer profile in Settings first');
    }
    return who;
  }
}
