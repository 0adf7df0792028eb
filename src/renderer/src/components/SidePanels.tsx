/**
 * The right-hand column of the annotate view: the clip's events, the suggestion panel
 * (first, so Analyse → Accept all stays on screen at 1280×720) and the AU panel. Memoised: stepping frames re-renders the stage and timeline only,
 * which keeps key → paint inside one display frame.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeEvent } from '@shared/workspace';
import type { DraftField } from '../state/annotation';
import type { EditSession } from '../state/edit-session';
import type { Suggestions } from '../state/use-suggestions';
import type { OpenClip } from '../state/session';
import { AuPanel } from './AuPanel';
import { LabelLifecycle } from './LabelLifecycle';
import { SuggestionPanel } from './SuggestionPanel';
import { holdsWork } from '@shared/label-work';
import { useFirstFrameShown } from '../state/use-first-frame-shown';

/** Which input a suggestion field's Edit button focuses. */
const FIELD_INPUT: Record<DraftField, string> = { aus: 'facs', emotion: 'emotion', label3: 'label3', description: 'description' };

interface Props {
  readonly edits: EditSession;
  readonly clip: OpenClip;
  /** The EditSession's revision: a new value re-renders (markers, provenance changed). */
  readonly revision: number;
  readonly events: readonly MeEvent[];
  readonly selected: number | null;
  readonly persistent: boolean;
  onSelect(id: number): void;
  onNewEvent(): void;
  /** Deletes the selected event (undoable, so no confirmation). */
  onDeleteEvent(): void;
  readonly annotator: string;
  readonly suggest: Suggestions;
}

export const SidePanels = memo(function SidePanels({ edits, clip, events, selected, persistent, onSelect, onNewEvent, onDeleteEvent, annotator, suggest }: Props) {
  const { t } = useTranslation();
  const firstFrameShown = useFirstFrameShown();
  const locked = selected !== null && edits.isLocked(selected);
  const editable = selected !== null && annotator !== '' && !locked && !edits.isSubmitted(selected);
  // The column keeps its width (the stage's size does not change when the panels come).
  if (!firstFrameShown) return <aside className="annotate-side" />;
  return (
      <aside className="annotate-side">
        <section className="panel events-panel" aria-labelledby="events-title">
          <h2 id="events-title">{t('annotate.events')}</h2>
          {!persistent && <p className="empty">{t('annotate.notInWorkspace')}</p>}
          {persistent && (
            <>
              {/* Events and their actions share one row: the side column keeps the suggestions on screen. */}
              <div className="events-row">
                <ul className="event-list">
                  {events.map((event) => {
                    const m = edits.markers(event.id);
                    return (
                      <li key={event.id}>
                        <button type="button" aria-pressed={event.id === selected} onClick={() => onSelect(event.id)}>
                          {t('annotate.eventSpan', { onset: m?.onset ?? event.onset, offset: m?.offset ?? event.offset })}
                        </button>
                      </li>
                    );
                  })}
                </ul>
                <div className="event-actions">
                  <button type="button" onClick={onNewEvent}>
                    {t('annotate.newEvent')}
                  </button>
                  {selected !== null && (
                    <button type="button" className="danger" data-testid="delete-event" title={t('deletion.deleteEventHint')} onClick={onDeleteEvent}>
                      {t('deletion.deleteEvent')}
                    </button>
                  )}
                </div>
              </div>
              {!events.length && <p className="muted">{t('annotate.noEvents')}</p>}
            </>
          )}
          {/* Provenance says how a label was made: an event nobody labelled has none to show. */}
          {selected !== null && holdsWork({ ...edits.draft(selected), status: edits.status(selected) }) && (
            <p className="muted provenance-line" data-testid="annotation-provenance" data-provenance={edits.provenance(selected)}>
              {t('annotate.provenance', { provenance: t(`provenance.${edits.provenance(selected)}`) })}
            </p>
          )}
          {selected !== null && !annotator && <p className="warn">{t('annotate.needAnnotator')}</p>}
          {persistent && annotator && <LabelLifecycle clip={clip} selected={selected} onSelect={onSelect} />}
          {locked && (
            <div className="warn" role="alert" data-testid="locked-prompt">
              <p>{t('annotate.lockedLabel')}</p>
              <button type="button" onClick={() => edits.amend(selected)}>
                {t('annotate.amend')}
              </button>
            </div>
          )}
        </section>
        <SuggestionPanel
          running={suggest.running}
          progress={suggest.progress}
          suggestion={suggest.suggestion}
          streaming={suggest.streaming}
          draft={suggest.draft}
          taken={suggest.taken}
          rejected={suggest.rejected}
          offered={suggest.offered}
          accepted={suggest.accepted}
          stale={suggest.stale}
          disabled={!editable}
          scope={suggest.scope}
          nothingSpotted={suggest.nothingSpotted}
          recordingSpotted={suggest.recordingSpotted}
          onRun={suggest.run}
          cancelled={suggest.cancelled}
          onCancel={suggest.cancel}
          onAccept={(field) => suggest.accept(field, `suggest.accept.${field}`)}
          onAcceptAll={suggest.acceptAll}
          onEdit={(field) => {
            suggest.accept(field, `suggest.edit.${field}`);
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`[name="${FIELD_INPUT[field]}"]`)?.focus());
          }}
          onReject={suggest.reject}
          describer={suggest.describer}
          flowModel={suggest.flowModel}
          spotted={suggest.spotted}
          expressionClass={suggest.expressionClass}
          roiNotes={suggest.roiNotes}
          {...(suggest.spottedDiffers ? { onUseSpotted: suggest.useSpotted } : {})}
        />
        <AuPanel draft={suggest.draft} provenance={suggest.fieldProvenance} disabled={!editable} onChange={suggest.change} onSeal={() => edits.history.seal()} />
        {!annotator && <p className="muted">{t('annotate.annotatorHint')}</p>}
      </aside>
  );
});
