/**
 * Unsaved label edits kept in the tab's sessionStorage, so a reload (or a crash of the
 * page) does not lose what was typed but not yet saved. Scoped by workspace and
 * annotator; each entry keeps the version it was built on, so restoring it and saving
 * meets the same conflict check as any other save. Damaged entries are ignored.
 */
import { z } from 'zod';
import { LABELS3, PROVENANCES } from '@shared/workspace';
import type { AnnotationDraft, Provenance } from './annotation';

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface UnsavedLabel {
  readonly eventId: number;
  readonly draft: AnnotationDraft;
  /** The stored values the draft was built on (for a Keep mine merge after the reload). */
  readonly base: AnnotationDraft | null;
  readonly provenance: Provenance;
  readonly baseVersion: number | null;
}

/** What the session knows of one loaded event: its unsaved label, or null when saved. */
export interface LabelState {
  readonly eventId: number;
  readonly unsaved: UnsavedLabel | null;
}

export const DRAFTS_KEY = 'mellm.unsaved-labels';
/** sessionStorage holds ~5 MB per origin; a few hundred labels are far below it. */
const MAX_LABELS_PER_SCOPE = 500;

const DraftSchema = z.object({ aus: z.string(), emotion: z.string().nullable(), label3: z.enum(LABELS3).nullable(), description: z.string() });
const UnsavedLabelSchema = z.object({
  eventId: z.number().int().positive(),
  draft: DraftSchema,
  base: DraftSchema.nullable(),
  provenance: z.enum(PROVENANCES),
  baseVersion: z.number().int().positive().nullable(),
});

type Stored = Record<string, Record<string, unknown>>;

function readAll(storage: DraftStorage): Stored {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(DRAFTS_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Stored) : {};
  } catch {
    return {};
  }
}

export function readUnsaved(storage: DraftStorage, scope: string, eventId: number): UnsavedLabel | null {
  const entry = readAll(storage)[scope]?.[String(eventId)];
  const parsed = UnsavedLabelSchema.safeParse(entry);
  return parsed.success && parsed.data.eventId === eventId ? parsed.data : null;
}

/** Records the given events' states; events not listed keep what was stored for them. */
export function writeUnsaved(storage: DraftStorage, scope: string, states: readonly LabelState[]): void {
  const all = readAll(storage);
  const entries = { ...(all[scope] ?? {}) };
  for (const { eventId, unsaved } of states) {
    if (unsaved) entries[String(eventId)] = unsaved;
    else delete entries[String(eventId)];
  }
  const kept = Object.keys(entries).slice(-MAX_LABELS_PER_SCOPE);
  if (kept.length) all[scope] = Object.fromEntries(kept.map((id) => [id, entries[id]]));
  else delete all[scope];
  try {
    if (Object.keys(all).length) storage.setItem(DRAFTS_KEY, JSON.stringify(all));
    else storage.removeItem(DRAFTS_KEY);
  } catch {
    // A full or disabled storage only loses the reload safety net; saving goes on.
  }
}
