/**
 * The review queue of a recording's spotted intervals, strongest first: each with its
 * class (micro / macro by duration at the capture rate), onset / apex / offset, duration
 * and AUs. Clicking one seeks to it; N / Shift+N step through those still to review
 * (the hotkey table), Y accepts the current one as an event (keeps the event an analysed
 * interval already is) and X dismisses it. What was
 * set aside — blinks, intervals read as a blink, gaze shifts, speech — is listed apart by
 * kind, each at its time in the recording with a click that goes there, and never offered
 * as an expression.
 */
import { memo, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Candidate, NonExpression } from '../api/analysis-types';
import { candidateEvent, candidateKey, clockTime, type CandidateDecision, type CandidateEventLike } from '../state/candidates';
import type { PendingDismissal } from '../state/use-dismissal';

/** The kinds set aside, in the order they are listed. */
const NON_EXPRESSION_KINDS: readonly NonExpression['kind'][] = ['blink', 'readAsBlink', 'saccade', 'speech'];

interface Props {
  readonly queue: readonly Candidate[];
  /** A spotting run's analysis was seen: an empty queue then means nothing was offered. */
  readonly spotted: boolean;
  /** The stored run was made under other settings (flow, micro / macro boundaries, capture rate, app version). */
  readonly stale: boolean;
  readonly nonExpressions: readonly NonExpression[];
  readonly decisions: ReadonlyMap<string, CandidateDecision>;
  /** The clip's events (null until listed): an interval that already is one is kept, not made one. */
  readonly events: readonly CandidateEventLike[] | null;
  /** Position in `queue` of the candidate under review. */
  readonly current: number | null;
  readonly captureFps: number | null;
  /** The file's frame rate: the times in the recording that the set-aside list shows. */
  readonly fps: number;
  /** The clip is a recording, longer than a dataset clip (2 s): the queue shows even with one interval or none. */
  readonly recording: boolean;
  readonly disabled: boolean;
  onOpen(index: number): void;
  onSeek(frame: number): void;
  onAccept(index: number): void;
  onDismiss(index: number): void;
  /** A dismissal held back because the interval's event holds labels: asked in its row. */
  readonly pendingDismissal: PendingDismissal | null;
  onConfirmDismiss(): void;
  onKeep(): void;
}

/** Memoised: a frame step changes none of its props. */
export const CandidateQueue = memo(function CandidateQueue(props: Props) {
  const { t } = useTranslation();
  const { queue, nonExpressions, current } = props;
  // The row under review stays in view when N / Shift+N step past the list's edge.
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (current !== null) list.current?.children[current]?.scrollIntoView({ block: 'nearest' });
  }, [current]);
  // A dataset clip cut around its expression (2 s or less) with one interval needs no queue:
  // the suggestion says its class, the timeline marks its blinks, and the frame keeps the
  // room. A recording always shows what was spotted and what was set aside.
  if (queue.length < 2 && !props.recording) return null;
  const left = queue.filter((c) => !props.decisions.has(candidateKey(c))).length;
  return (
    <section className="panel candidate-queue" aria-labelledby="candidates-title" data-testid="candidate-queue">
      <h2 id="candidates-title">{t('candidates.title')}</h2>
      <p className="muted candidate-summary" data-testid="candidate-summary">
        {queue.length ? t('candidates.summary', { count: queue.length, left }) : t(props.spotted ? 'candidates.none' : 'candidates.notSpotted')}
        {props.captureFps !== null && ` · ${t('candidates.rate', { fps: Math.round(props.captureFps * 1000) / 1000 })}`}
        {props.stale && <span data-testid="candidate-stale"> · {t('candidates.stale')}</span>}
      </p>
      {queue.length > 1 && <span className="muted candidate-order" data-testid="candidate-order" title={t('candidates.orderHint')}> · {t('candidates.order')}</span>}
      {queue.length > 0 && <ol className="candidates" ref={list}>
        {queue.map((c, index) => {
          const decision = props.decisions.get(candidateKey(c));
          const isEvent = props.events !== null && candidateEvent(c, props.events) !== undefined;
          const kind = t(`candidates.kind.${c.kind}`);
          const aus = c.facs === null ? t('candidates.notAnalysed') : c.facs || t('candidates.noAus');
          const duration = c.durationMs === null ? '–' : t('candidates.ms', { ms: c.durationMs });
          const name = t('candidates.rowName', { n: index + 1, kind, onset: c.onset, apex: c.apex, offset: c.offset, duration, aus });
          return (
            <li
              key={candidateKey(c)}
              className="candidate"
              data-testid="candidate-row"
              data-kind={c.kind}
              data-current={props.current === index || undefined}
              data-decision={decision}
            >
              <button type="button" className="candidate-open" aria-label={name} aria-current={props.current === index ? 'true' : undefined} onClick={() => props.onOpen(index)}>
                <span className={`class-badge class-${c.kind}`}>{kind}</span>
                <span className="frames">
                  {c.onset} / {c.apex} / {c.offset}
                </span>
                <span className="duration">{duration}</span>
                <span className="aus" title={aus}>{aus}</span>
                {decision && <span className="decision">{t(`candidates.decision.${decision}`)}</span>}
              </button>
              <span className="actions">
                <button type="button" data-testid="candidate-accept" disabled={props.disabled || decision === 'accepted'} title={isEvent ? t('candidates.keepHint') : undefined} onClick={() => props.onAccept(index)}>
                  {t(isEvent ? 'candidates.keep' : 'candidates.accept')}
                </button>
                <button type="button" data-testid="candidate-dismiss" disabled={props.disabled || decision === 'dismissed'} onClick={() => props.onDismiss(index)}>
                  {t('candidates.dismiss')}
                </button>
              </span>
              {props.pendingDismissal?.index === index && <DismissConfirm pending={props.pendingDismissal} onConfirm={props.onConfirmDismiss} onKeep={props.onKeep} />}
            </li>
          );
        })}
      </ol>}
      {nonExpressions.length > 0 && (
        <div className="set-aside" data-testid="non-expressions">
          {NON_EXPRESSION_KINDS.filter((kind) => nonExpressions.some((n) => n.kind === kind)).map((kind) => (
            <div key={kind} className="set-aside-kind" role="group" aria-label={t(`candidates.setAside.${kind}`)}>
              <span className="muted">{t(`candidates.setAside.${kind}`)}</span>
              {nonExpressions
                .filter((n) => n.kind === kind)
                .map((n) => {
                  const time = clockTime(n.onset, props.fps);
                  const name = t('candidates.setAsideName', { kind: t(`candidates.named.${kind}`), time, onset: n.onset, offset: n.offset });
                  const reason = n.kind === 'readAsBlink' ? t('candidates.readAsBlinkReason', { aus: n.facs || t('candidates.noAus') }) : n.reason;
                  return (
                    <button key={`${n.onset}-${n.offset}`} type="button" className="set-aside-at" data-testid="non-expression" data-kind={kind} aria-label={name} title={reason ? `${name} — ${reason}` : name} onClick={() => props.onSeek(n.onset)}>
                      {time}
                    </button>
                  );
                })}
            </div>
          ))}
        </div>
      )}
    </section>
  );
});

/** Asks before a dismissal deletes labels, saying whose and how many; Keep is the default. */
function DismissConfirm({ pending, onConfirm, onKeep }: { pending: PendingDismissal; onConfirm(): void; onKeep(): void }) {
  const { t } = useTranslation();
  const own = pending.own > 0 ? t('candidates.confirm.own') : null;
  const others = pending.others > 0 ? t('candidates.confirm.others', { count: pending.others }) : null;
  const labels = own && others ? t('candidates.confirm.both', { own, others }) : (own ?? others ?? '');
  return (
    <div className="dismiss-confirm" role="alertdialog" aria-label={t('candidates.confirm.title')} data-testid="dismiss-confirm">
      <span>{t('candidates.confirm.ask', { labels })}</span>
      <button type="button" autoFocus onClick={onKeep}>
        {t('candidates.confirm.keep')}
      </button>
      <button type="button" className="danger" onClick={onConfirm}>
        {t('candidates.confirm.delete', { count: pending.own + pending.others })}
      </button>
    </div>
  );
}
