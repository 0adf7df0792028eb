/**
 * The banner of an edit conflict: who saved the label meanwhile, when, and which fields;
 * mine and theirs side by side; and the three ways out. Load theirs drops my values, Keep
 * mine saves them on top of theirs, Copy mine puts them on the clipboard and leaves the
 * banner (and my values) in place until the person picks one of the other two. The last
 * column shows what Keep mine saves: my changed fields, theirs where I changed nothing.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationConflict } from '@shared/annotation-conflict';
import { DRAFT_FIELDS, type DraftField } from '../state/annotation';
import { conflictRows, mineAsText } from '../state/conflict';
import type { EditSession } from '../state/edit-session';

/** Writes text to the clipboard; falls back to a hidden textarea where the async API is refused. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

interface Props {
  readonly edits: EditSession;
  readonly eventId: number;
  readonly conflict: AnnotationConflict;
  /** The event as the person knows it (its frame span). */
  readonly eventLabel: string;
  /** The acting annotator: a change by the same name came from another tab or window. */
  readonly annotator: string;
}

export function ConflictBanner({ edits, eventId, conflict, eventLabel, annotator }: Props) {
  const { t, i18n } = useTranslation();
  const [copied, setCopied] = useState<boolean | null>(null);
  const mine = edits.draft(eventId);
  const rows = conflictRows(edits.conflictBase(eventId), mine, conflict);
  const fieldName = (field: DraftField | 'status') => t(`conflict.fields.${field}`);
  const when = new Date(conflict.changedAt);
  const at = Number.isNaN(when.getTime()) ? conflict.changedAt : when.toLocaleString(i18n.language);
  const fields = conflict.changedFields.length ? conflict.changedFields.map(fieldName).join(', ') : t('conflict.noFields');
  const shown = (field: DraftField, value: string | null) => {
    if (value === null || value === '') return t('conflict.empty');
    if (field === 'emotion') return t(`emotions.${value}`, { defaultValue: value });
    return field === 'label3' ? t(`labels3.${value}`, { defaultValue: value }) : value;
  };
  const names = Object.fromEntries(DRAFT_FIELDS.map((field) => [field, fieldName(field)])) as Record<DraftField, string>;

  return (
    <section className="conflict-banner" role="alert" aria-labelledby={`conflict-title-${eventId}`} data-testid="conflict-banner" data-event={eventId}>
      <p id={`conflict-title-${eventId}`} className="conflict-title">
        {t(conflict.changedBy === annotator ? 'conflict.titleSelf' : 'conflict.title', { who: conflict.changedBy, when: at, version: conflict.theirs.version, event: eventLabel, fields })}
      </p>
      {conflict.changedFields.includes('status') && <p className="muted">{t('conflict.statusNow', { status: t(`statuses.${conflict.theirs.status}`) })}</p>}
      {rows.length > 0 && (
        <table className="conflict-table" data-testid="conflict-table">
          <thead>
            <tr>
              <th scope="col">{t('conflict.field')}</th>
              <th scope="col">{t('conflict.mine')}</th>
              <th scope="col">{t('conflict.theirs', { who: conflict.changedBy })}</th>
              <th scope="col">{t('conflict.kept')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.field} data-field={row.field} className={row.differs ? 'differs' : undefined}>
                <th scope="row">{fieldName(row.field)}</th>
                <td data-testid="conflict-mine">{shown(row.field, row.mine)}</td>
                <td data-testid="conflict-theirs">{shown(row.field, row.theirs)}</td>
                <td data-testid="conflict-kept">{shown(row.field, row.kept)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="conflict-actions">
        <button type="button" data-testid="conflict-load-theirs" onClick={() => edits.loadTheirs(eventId)}>
          {t('conflict.loadTheirs')}
        </button>
        <button type="button" data-testid="conflict-keep-mine" onClick={() => edits.keepMine(eventId)}>
          {t('conflict.keepMine')}
        </button>
        <button type="button" data-testid="conflict-copy-mine" onClick={() => void copyText(mineAsText(mine, names)).then(setCopied)}>
          {t('conflict.copyMine')}
        </button>
        <span className="muted" data-testid="conflict-copied" aria-live="polite">
          {copied === true ? t('conflict.copied') : copied === false ? t('conflict.copyFailed') : ''}
        </span>
      </div>
    </section>
  );
}

/** Shown after a reload restored edits that had not been saved yet. */
export function RestoredNotice({ edits }: { edits: EditSession }) {
  const { t } = useTranslation();
  const restored = edits.restoredEvents();
  if (!restored.length) return null;
  return (
    <p className="restored-notice" role="status" data-testid="restored-notice">
      {t('conflict.restored', { count: restored.length })}{' '}
      <button type="button" className="link" onClick={() => edits.dismissRestored()}>
        {t('conflict.dismiss')}
      </button>
    </p>
  );
}
