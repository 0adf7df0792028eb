/** Asks for the annotator name before the first label: labels are saved under it. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSettings } from '../state/settings';

export function AnnotatorPrompt({ onDone, onCancel }: { onDone(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const { update, error } = useSettings();
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="annotator-prompt-title" data-testid="annotator-prompt" onKeyDown={(event) => event.key === 'Escape' && onCancel()}>
      <form
        className="overlay-card annotator-prompt"
        onSubmit={(event) => {
          event.preventDefault();
          if (!name.trim()) return;
          setSaving(true);
          void update({ annotator: name.trim() }).then(() => {
            setSaving(false);
            onDone();
          });
        }}
      >
        <h2 id="annotator-prompt-title">{t('annotatorPrompt.title')}</h2>
        <p>{t('annotatorPrompt.why')}</p>
        <label>
          <span>{t('settings.annotator')}</span>
          <input name="annotator-name" value={name} maxLength={120} autoFocus onChange={(event) => setName(event.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          <button type="submit" disabled={saving || !name.trim()}>
            {t('annotatorPrompt.save')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('annotatorPrompt.later')}
          </button>
        </div>
      </form>
    </div>
  );
}
