/**
 * The model's proposal for the selected event: AUs, emotion, 3-class label and the
 * description (streamed token by token while an LLM writes it). Each field can be
 * accepted, taken for editing, or rejected, or all at once; an accepted field's button
 * says so. Once taken, a diff shows what the annotator changed from the suggestion. An
 * analysis made for other frames than the event's markers is marked stale, with
 * Re-analyse.
 */
import { useTranslation } from 'react-i18next';
import { LlmEstimate } from './LlmEstimate';
import { RoiNotes } from './RoiNotes';
import type { ExpressionClassView, RoiNote, SpottedFrames } from '../api/analysis-types';
import { diffAus, diffWords, DRAFT_FIELDS, sameValue, type AnnotationDraft, type DraftField, type Suggestion } from '../state/annotation';
import { flowModelText } from '../i18n/message-text';

interface Props {
  readonly running: boolean;
  readonly progress: string | null;
  readonly suggestion: Suggestion | null;
  /** Description tokens received so far while the LLM runs. */
  readonly streaming: string | null;
  readonly draft: AnnotationDraft;
  readonly taken: ReadonlySet<DraftField>;
  readonly rejected: ReadonlySet<DraftField>;
  readonly offered: readonly DraftField[];
  readonly accepted: ReadonlySet<DraftField>;
  readonly stale: boolean;
  readonly disabled: boolean;
  /** What Analyse analyses: the selected event, or the whole recording when it has no event yet (allowed without a label to edit). */
  readonly scope?: 'event' | 'recording' | null;
  /** A whole-recording analysis offered no interval. */
  readonly nothingSpotted?: boolean;
  /** The recording has a stored whole-recording run: the button runs it again. */
  readonly recordingSpotted?: boolean;
  onRun(): void;
  /** The analysis was cancelled: said until the next run. */
  readonly cancelled?: boolean;
  onCancel?(): void;
  onAccept(field: DraftField): void;
  onAcceptAll(): void;
  onEdit(field: DraftField): void;
  onReject(field: DraftField): void;
  /** Who wrote the suggestion: 'rules' (deterministic describer) or the LLM model id. */
  readonly describer?: string | null;
  /** The onset → apex flow model the analysis ran with. */
  readonly flowModel?: string | null;
  /** The frames the analysis spotted, offered as markers when they differ from the user's. */
  readonly spotted?: SpottedFrames | null;
  onUseSpotted?(): void;
  /** Micro or macro by duration at the capture rate; kind null when nothing is offered. */
  readonly expressionClass?: ExpressionClassView | null;
  /** Regions read beside an eyeglass rim or covered: said under the suggestion. */
  readonly roiNotes?: readonly RoiNote[];
}

function Diff({ field, suggested, current }: { field: DraftField; suggested: string; current: string }) {
  const { t } = useTranslation();
  if (field === 'aus') {
    const { added, removed } = diffAus(suggested, current);
    return (
      <p className="diff" data-testid={`diff-${field}`}>
        {added.map((code) => (
          <ins key={`+${code}`}>{code}</ins>
        ))}
        {removed.map((code) => (
          <del key={`-${code}`}>{code}</del>
        ))}
        {!added.length && !removed.length && <span>{t('suggest.unchanged')}</span>}
      </p>
    );
  }
  if (field === 'description') {
    return (
      <p className="diff" data-testid={`diff-${field}`}>
        {diffWords(suggested, current).map((part, i) =>
          part.kind === 'same' ? <span key={i}>{part.text}</span> : part.kind === 'added' ? <ins key={i}>{part.text}</ins> : <del key={i}>{part.text}</del>,
        )}
      </p>
    );
  }
  return (
    <p className="diff" data-testid={`diff-${field}`}>
      <del>{suggested}</del> <ins>{current || t('au.unset')}</ins>
    </p>
  );
}

/** Micro or macro in a word beside the buttons (the panel must fit 720 px); the full sentence is its name. */
function ClassBadge({ value }: { readonly value: ExpressionClassView }) {
  const { t } = useTranslation();
  const kind = value.kind ?? 'none';
  const full = value.kind ? t(`suggest.class.${value.kind}`, { ms: value.durationMs ?? '–', fps: value.captureFps ?? '–' }) : t('suggest.class.none');
  return (
    <span className={`class-badge class-${kind}`} data-testid="suggestion-class" data-kind={kind} role="note" aria-label={full} title={full}>
      {t(`suggest.class.short.${kind}`, { ms: value.durationMs ?? '–' })}
    </span>
  );
}

export function SuggestionPanel(props: Props) {
  const { t } = useTranslation();
  const { suggestion, draft } = props;
  const allAccepted = props.offered.length > 0 && props.offered.every((field) => props.accepted.has(field));
  const whole = props.scope === 'recording';
  return (
    <section className="panel suggestion-panel" aria-labelledby="suggest-title" data-testid="suggestions" data-stale={props.stale || undefined}>
      <h2 id="suggest-title">{t('suggest.title')}</h2>
      <div className="row">
        <button type="button" data-testid="analyse" data-scope={props.scope ?? undefined} disabled={(!whole && props.disabled) || props.running} onClick={props.onRun}>
          {props.running ? t('suggest.running') : whole ? t(props.recordingSpotted ? 'suggest.rerunRecording' : 'suggest.runRecording') : suggestion ? t('suggest.rerun') : t('suggest.run')}
        </button>
        {suggestion && props.offered.length > 0 && (
          <button type="button" data-testid="accept-all" disabled={props.disabled || allAccepted} aria-pressed={allAccepted} onClick={props.onAcceptAll}>
            {allAccepted ? t('suggest.allAccepted') : t('suggest.acceptAll')}
          </button>
        )}
        {props.running && props.onCancel && (
          <button type="button" data-testid="analyse-cancel" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        )}
        {props.progress && <span className="muted" data-testid="analyse-progress">{props.progress}</span>}
        {suggestion && props.expressionClass && <ClassBadge value={props.expressionClass} />}
      </div>
      {!props.running && <LlmEstimate />}
      {props.cancelled && !props.running && (
        <p className="muted" role="status" data-testid="analysis-cancelled">
          {t('suggest.cancelled')}
        </p>
      )}
      {suggestion && props.stale && !props.running && (
        <p className="warn" role="status" data-testid="analysis-stale">
          {t('suggest.stale')}
        </p>
      )}
      {!suggestion && !props.streaming && !props.running && (
        <p className="empty" data-testid="suggestion-empty">
          {whole ? t(props.nothingSpotted ? 'suggest.nothingSpotted' : 'suggest.recordingHint') : t('suggest.none')}
        </p>
      )}
      {props.streaming !== null && (
        <blockquote className="streaming" aria-live="polite" data-testid="llm-stream">
          {props.streaming}
        </blockquote>
      )}
      {suggestion && (
        <dl className="suggestions">
          {DRAFT_FIELDS.map((field) => {
            const value = suggestion[field];
            if (value === null || value === '' || props.rejected.has(field)) return null;
            const current = draft[field] ?? '';
            const changed = props.taken.has(field) && !sameValue(field, current, value);
            const accepted = props.accepted.has(field);
            return (
              <div key={field} className="suggestion" data-field={field} data-accepted={accepted || undefined}>
                <dt>{t(`suggest.fields.${field}`)}</dt>
                <dd>
                  {/* The description scrolls inside its box (max 7.5 lines) rather than pushing the panel off screen. */}
                  <p className="value" data-scroll-area={field === 'description' || undefined} tabIndex={field === 'description' ? 0 : undefined}>{field === 'emotion' ? t(`emotions.${value}`, { defaultValue: value }) : field === 'label3' ? t(`labels3.${value}`) : value}</p>
                  {changed && <Diff field={field} suggested={value} current={current} />}
                  <div className="actions">
                    <button type="button" disabled={props.disabled || accepted} aria-pressed={accepted} onClick={() => props.onAccept(field)}>
                      {accepted ? t('suggest.accepted') : t('suggest.accept')}
                    </button>
                    <button type="button" disabled={props.disabled} onClick={() => props.onEdit(field)}>
                      {t('suggest.edit')}
                    </button>
                    <button type="button" disabled={props.disabled} onClick={() => props.onReject(field)}>
                      {t('suggest.reject')}
                    </button>
                  </div>
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      {suggestion && props.roiNotes && props.roiNotes.length > 0 && <RoiNotes notes={props.roiNotes} />}
      {suggestion && props.describer && (
        <p className="muted" data-testid="suggestion-source" data-source={props.describer}>
          {t('suggest.source', { source: props.describer === 'rules' ? t('suggest.sourceRules') : props.describer })}
        </p>
      )}
      {suggestion && props.flowModel && (
        <p className="muted" data-testid="suggestion-flow">
          {t('suggest.flowModel', { model: flowModelText(t, props.flowModel) })}
        </p>
      )}
      {props.spotted?.source === 'spotting' && props.spotted.onset !== null && (
        <div className="row" data-testid="spotted-frames">
          <span className="muted">{t('suggest.spotted', { onset: props.spotted.onset, apex: props.spotted.apex ?? '–', offset: props.spotted.offset ?? '–' })}</span>
          {props.onUseSpotted && (
            <button type="button" disabled={props.disabled} onClick={props.onUseSpotted}>
              {t('suggest.useSpotted')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
