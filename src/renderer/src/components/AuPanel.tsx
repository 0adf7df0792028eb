/**
 * The annotator's labels for the selected event: AUs through a FACS picker (AU + name,
 * side, intensity) or typed as FACS text with live parsing and the error's position,
 * emotion, the 3-class label and the description. Every change goes through `onChange`
 * (which records it for undo and autosave); text fields commit per keystroke and merge.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AU_NAMES } from '@shared/au-names';
import { describeFacsCode, FACS_INTENSITIES, facsCodes, formatFacs, formatFacsCode, parseFacs, withFacsCode, withoutFacsCode, type FacsCode, type FacsIntensity } from '@shared/facs';
import { facsText } from '../i18n/message-text';
import { EMOTIONS, LABELS3, type AnnotationDraft, type DraftField, type Label3, type Provenance } from '../state/annotation';

interface Props {
  readonly draft: AnnotationDraft;
  readonly provenance: Readonly<Record<DraftField, Provenance | null>>;
  readonly disabled: boolean;
  onChange<K extends DraftField>(field: K, value: AnnotationDraft[K], typing?: boolean): void;
  onSeal(): void;
}

const AU_NUMBERS = Object.keys(AU_NAMES).map(Number);
type PickerSide = '' | 'L' | 'R';
/** FACS notation is the same in every language. */
const FACS_EXAMPLE = '1+2+L12C';

export function ProvenanceBadge({ value }: { value: Provenance | null }) {
  const { t } = useTranslation();
  if (!value) return null;
  return (
    <span className={`badge provenance-${value}`} data-provenance={value}>
      {t(`provenance.${value}`)}
    </span>
  );
}

export function AuPanel({ draft, provenance, disabled, onChange, onSeal }: Props) {
  const { t } = useTranslation();
  const [au, setAu] = useState(1);
  const [side, setSide] = useState<PickerSide>('');
  const [intensity, setIntensity] = useState<FacsIntensity | ''>('');
  const parsed = parseFacs(draft.aus);
  const codes = parsed.ok ? facsCodes(parsed.value) : [];

  const addCode = () => {
    const code: FacsCode = { kind: 'AU', au, side: side || null, intensity: intensity || null };
    // Appended to the text as typed, unless a note (which comes last) or a lone `?` is in the way.
    if (parsed.ok && (parsed.value.note !== null || parsed.value.uncertain)) onChange('aus', formatFacs(withFacsCode(parsed.value, code)));
    else onChange('aus', draft.aus.trim() ? `${draft.aus.trim()}+${formatFacsCode(code)}` : formatFacsCode(code));
  };
  const removeCode = (index: number) => {
    if (parsed.ok) onChange('aus', formatFacs(withoutFacsCode(parsed.value, index)));
  };

  return (
    <section className="panel au-panel" aria-labelledby="au-title">
      <h2 id="au-title">
        {t('au.title')} <ProvenanceBadge value={provenance.aus} />
      </h2>
      <fieldset className="facs-picker" disabled={disabled}>
        <select aria-label={t('au.number')} name="au-number" value={au} onChange={(e) => setAu(Number(e.target.value))}>
          {AU_NUMBERS.map((n) => (
            <option key={n} value={n}>
              {t('au.option', { au: n, name: t(`auNames.${n}`, { defaultValue: AU_NAMES[n] }) })}
            </option>
          ))}
        </select>
        <select aria-label={t('au.side')} name="au-side" value={side} onChange={(e) => setSide(e.target.value as PickerSide)}>
          <option value="">{t('au.sides.both')}</option>
          <option value="L">{t('au.sides.L')}</option>
          <option value="R">{t('au.sides.R')}</option>
        </select>
        <select aria-label={t('au.intensity')} name="au-intensity" value={intensity} onChange={(e) => setIntensity(e.target.value as FacsIntensity | '')}>
          <option value="">{t('au.noIntensity')}</option>
          {FACS_INTENSITIES.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
        <button type="button" onClick={addCode}>
          {t('au.add')}
        </button>
      </fieldset>
      <label className="facs-text">
        <span>{t('au.facs')}</span>
        <input
          name="facs"
          value={draft.aus}
          disabled={disabled}
          spellCheck={false}
          placeholder={FACS_EXAMPLE}
          aria-invalid={!parsed.ok}
          aria-describedby="facs-status"
          onChange={(e) => onChange('aus', e.target.value, true)}
          onBlur={onSeal}
        />
      </label>
      <div id="facs-status" className="facs-status" data-testid="facs-status">
        {parsed.ok ? (
          <ul className="chips">
            {codes.map((code, i) => (
              <li key={`${formatFacsCode(code)}-${i}`} title={t(`auNames.${code.au}`, { defaultValue: describeFacsCode(code) })}>
                {formatFacsCode(code)}
                <button type="button" aria-label={t('au.remove', { code: formatFacsCode(code) })} disabled={disabled} onClick={() => removeCode(i)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p role="alert" className="facs-error">
            <code>
              {draft.aus.slice(0, parsed.error.position)}
              <mark>{draft.aus.slice(parsed.error.position, parsed.error.position + 1) || ' '}</mark>
              {draft.aus.slice(parsed.error.position + 1)}
            </code>
            <span>{facsText(t, parsed.error.text)}</span>
          </p>
        )}
      </div>
      <div className="row">
        <label>
          <span>
            {t('au.emotion')} <ProvenanceBadge value={provenance.emotion} />
          </span>
          <select name="emotion" disabled={disabled} value={draft.emotion ?? ''} onChange={(e) => onChange('emotion', e.target.value || null)}>
            <option value="">{t('au.unset')}</option>
            {[...EMOTIONS, ...(draft.emotion && !(EMOTIONS as readonly string[]).includes(draft.emotion) ? [draft.emotion] : [])].map((emotion) => (
              <option key={emotion} value={emotion}>
                {t(`emotions.${emotion}`, { defaultValue: emotion })}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>
            {t('au.label3')} <ProvenanceBadge value={provenance.label3} />
          </span>
          <select name="label3" disabled={disabled} value={draft.label3 ?? ''} onChange={(e) => onChange('label3', (e.target.value || null) as Label3 | null)}>
            <option value="">{t('au.unset')}</option>
            {LABELS3.map((label) => (
              <option key={label} value={label}>
                {t(`labels3.${label}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="description">
        <span>
          {t('au.description')} <ProvenanceBadge value={provenance.description} />
        </span>
        <textarea
          name="description"
          rows={5}
          disabled={disabled}
          value={draft.description}
          onChange={(e) => onChange('description', e.target.value, true)}
          onBlur={onSeal}
        />
      </label>
    </section>
  );
}
