/**
 * The selected label's lifecycle in Annotate: Submit (or Resubmit after a reviewer asked
 * for changes), Submit & next along the Corpus queue as it is filtered and ordered,
 * Withdraw, and the reviewer's latest decision with its comment.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Review } from '@shared/workspace';
import { clipWork, nextToLabel } from '@shared/worklist';
import { errorMessage } from '../api/backend';
import { reviewApi } from '../api/review';
import { workspaceApi } from '../api/workspace';
import type { LabelStatus } from './edit-session';
import { queueOrder } from './queue';
import { useSession, type OpenClip } from './session';

export interface LabelLifecycle {
  readonly status: LabelStatus | null;
  /** The reviewer's latest decision, shown while the label is back with its annotator. */
  readonly feedback: Review | null;
  /** A reviewer sent the label back: the action is Resubmit. */
  readonly resubmit: boolean;
  readonly busy: boolean;
  readonly error: string | null;
  /** Submit & next found nothing left to label in the queue. */
  readonly noneLeft: boolean;
  submit(): void;
  submitNext(): void;
  withdraw(): void;
}

export function useLabelLifecycle(clip: OpenClip, selected: number | null, select: (eventId: number) => void): LabelLifecycle {
  const { t } = useTranslation();
  const { edits, annotator, queue, openClip } = useSession();
  // Kept with the label it was read for, so another label never shows it.
  const [feedback, setFeedback] = useState<{ key: string; review: Review | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [noneLeft, setNoneLeft] = useState(false);
  const status = selected !== null ? edits.status(selected) : null;

  const feedbackKey = `${selected}:${annotator}:${status}`;
  useEffect(() => {
    if (selected === null || !annotator || status === null || status === 'submitted') return;
    let live = true;
    workspaceApi
      .getAnnotation(selected, annotator)
      .then((annotation) => (annotation ? reviewApi.feedback(annotation.id) : null))
      .then((review) => live && setFeedback({ key: feedbackKey, review }), () => undefined);
    return () => {
      live = false;
    };
  }, [selected, annotator, status, feedbackKey]);
  const review = feedback?.key === feedbackKey ? feedback.review : null;

  const run = useCallback(
    (work: () => Promise<void>) => {
      if (selected === null || busy) return;
      if (!annotator) {
        setError(t('lifecycle.needAnnotator'));
        return;
      }
      setBusy(true);
      setError(null);
      setNoneLeft(false);
      work()
        .catch((failure: unknown) => setError(errorMessage(failure)))
        .finally(() => {
          setBusy(false);
          queue.touch();
        });
    },
    [selected, busy, annotator, queue, t],
  );

  const goNext = useCallback(async () => {
    const stored = clip.stored;
    if (!stored || selected === null) return;
    const [clips, rows] = await Promise.all([workspaceApi.listClips({}), workspaceApi.worklist()]);
    const order = queueOrder(clips, clipWork(rows), queue.view).map((c) => c.id);
    const next = nextToLabel(rows, order, { clipId: stored.id, eventId: selected });
    if (!next) setNoneLeft(true);
    else if (next.clipId === stored.id) select(next.eventId);
    else {
      const target = clips.find((c) => c.id === next.clipId);
      if (target) await openClip(target.path, target, { event: next.eventId });
    }
  }, [clip, selected, queue, select, openClip]);

  const canSubmit = selected !== null && status !== 'submitted' && !(status === 'approved' && edits.isLocked(selected));
  return {
    status,
    feedback: status === 'submitted' ? null : review,
    resubmit: status === 'changes_requested' || status === 'rejected' || review?.decision === 'request_changes',
    busy,
    error,
    noneLeft,
    submit: () => canSubmit && run(() => edits.submit(selected)),
    submitNext: () => canSubmit && run(async () => {
      await edits.submit(selected);
      await goNext();
    }),
    withdraw: () => selected !== null && status === 'submitted' && run(() => edits.withdraw(selected)),
  };
}
