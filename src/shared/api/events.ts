import { z } from 'zod';
import { SettingsSchema } from './app';
import { JobSchema } from './jobs';
import { ClipIdSchema } from './media';

/** Progress of a long-running job (analysis, import, export, model conversion). */
export const JobProgressSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

/**
 * The open workspace's events, labels or clips changed: by a channel call (`cause` is its
 * name) or by an analysis stored in the background (`analysis`). `clipId` names the clip
 * when the change is to one clip's events.
 */
export const WorkspaceChangedSchema = z.object({
  cause: z.string(),
  clipId: z.number().int().positive().optional(),
});
export type WorkspaceChanged = z.infer<typeof WorkspaceChangedSchema>;

/**
 * A clip `media.open` answered (after frame 0) failed its last check afterwards: it is no
 * longer open and writes that name it are refused; `message` says why, for the person.
 */
export const MediaRefusedSchema = z.object({
  clipId: ClipIdSchema,
  code: z.string(),
  message: z.string(),
});
export type MediaRefused = z.infer<typeof MediaRefusedSchema>;

/** Events main pushes to every renderer, over IPC or the bridge's WebSocket. */
export const appEvents = {
  'settings.changed': SettingsSchema,
  'job.progress': JobProgressSchema,
  /** A job reached done, failed or cancelled. */
  'job.finished': JobSchema,
  'workspace.changed': WorkspaceChangedSchema,
  'media.refused': MediaRefusedSchema,
};
