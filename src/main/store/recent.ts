import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write';
import { redactLocation } from './location';

const RecentSchema = z.array(z.object({ path: z.string(), openedAt: z.string() }));
export type RecentWorkspace = z.infer<typeof RecentSchema>[number];

const MAX_RECENT = 12;

/** The recently opened workspaces, most recent first, as JSON in the user-data folder. */
export class RecentWorkspaces {
  readonly path: string;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'recent-workspaces.json');
  }

  async list(): Promise<RecentWorkspace[]> {
    try {
      return RecentSchema.parse(JSON.parse(await readFile(this.path, 'utf8')));
    } catch {
      return []; // missing or unreadable: the list is a convenience, never a blocker
    }
  }

  /** Remembers a workspace; a server URL without its password (the list is a plain file). */
  async touch(location: string): Promise<RecentWorkspace[]> {
    const path = redactLocation(location);
    const next = [{ path, openedAt: new Date().toISOString() }, ...(await this.list()).filter((r) => r.path !== path)].slice(0, MAX_RECENT);
    await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }
}
