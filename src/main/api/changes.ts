/**
 * Tells every window when a call changed the open workspace's clips, events or labels
 * (`workspace.changed`), so what another window shows (the navigation's counts, the
 * queue, a clip's events) follows a change it did not make. An analysis stored in the
 * background is announced by the runner (`cause: 'analysis'` with its clip) once its
 * events, analyses and, for a clip spotted whole, the clip's spotting run are stored:
 * a window showing that clip reads its events and its run again.
 */
import type { ChannelName } from '@shared/api';
import type { EventHub } from '../app/events';
import type { HandlerTable } from './dispatch';

/** The channels that write what the worklist, the queue or a clip's events read. */
export const WORKSPACE_WRITES = [
  'clips.add',
  'clips.delete',
  'clips.restore',
  'events.create',
  'events.update',
  'events.delete',
  'events.restore',
  'annotations.save',
  'review.decide',
  'import.commit',
] as const satisfies readonly ChannelName[];

/** The table with each write announcing itself once it succeeded (a failed call changed nothing). */
export function announceWrites(table: HandlerTable, events: EventHub): HandlerTable {
  const announced: Partial<HandlerTable> = {};
  for (const name of WORKSPACE_WRITES) {
    const handler = table[name] as (input: unknown, meta: unknown) => Promise<unknown>;
    const wrapped = async (input: unknown, meta: unknown) => {
      const output = await handler(input, meta);
      const clipId = clipOf(input);
      events.emit('workspace.changed', { cause: name, ...(clipId !== undefined ? { clipId } : {}) });
      return output;
    };
    Object.assign(announced, { [name]: wrapped });
  }
  return { ...table, ...announced };
}

/** The clip a write names in its input (events.create does), when it names one. */
function clipOf(input: unknown): number | undefined {
  const clipId = typeof input === 'object' && input !== null ? (input as { clipId?: unknown }).clipId : undefined;
  return typeof clipId === 'number' && Number.isInteger(clipId) && clipId > 0 ? clipId : undefined;
}
