/**
 * Dismissing a spotted interval deletes its event, and with it every label on it. An
 * event nobody labelled goes at once (undoable); one holding someone's work (see
 * shared/label-work.ts) is held back until the person confirms, told how many labels go
 * with it. Pending edits are written first so the count includes what was just typed; a
 * draft that could not be saved counts as the person's own label.
 */
import { useCallback, useState } from 'react';
import { holdsWork } from '@shared/label-work';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import type { EditSession } from './edit-session';

export interface PendingDismissal {
  /** Position in the queue of the interval asked about. */
  readonly index: number;
  readonly own: number;
  readonly others: number;
}

export interface Dismissal {
  readonly pending: PendingDismissal | null;
  readonly error: string | null;
  /** Dismisses at once when the event holds no label, else asks. */
  ask(index: number, eventId: number): void;
  confirm(): void;
  keep(): void;
}

export function useDismissal(edits: EditSession, dismiss: (index: number) => void): Dismissal {
  const [pending, setPending] = useState<PendingDismissal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ask = useCallback(
    (index: number, eventId: number) => {
      setError(null);
      setPending(null);
      void (async () => {
        try {
          await edits.flush();
          const stored = await workspaceApi.labelCount(eventId);
          const draft = edits.isLoaded(eventId) ? edits.draft(eventId) : null;
          const unsaved = stored.own === 0 && draft !== null && holdsWork({ ...draft, status: null }) ? 1 : 0;
          const count = { own: stored.own + unsaved, others: stored.others };
          if (count.own + count.others === 0) dismiss(index);
          else setPending({ index, ...count });
        } catch (failure) {
          setError(errorMessage(failure));
        }
      })();
    },
    [edits, dismiss],
  );
  const confirm = useCallback(() => {
    if (!pending) return;
    setPending(null);
    dismiss(pending.index);
  }, [pending, dismiss]);
  const keep = useCallback(() => setPending(null), []);
  return { pending, error, ask, confirm, keep };
}
