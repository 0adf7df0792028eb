import { useTranslation } from 'react-i18next';
import { LANGUAGES, PROMPT_FORMATS, THEMES, type Language, type PromptFormat, type Theme } from '@shared/api';
import { AnnotatorField } from '../components/AnnotatorField';
import { ShortcutSettings } from '../components/ShortcutSettings';
import { useSettings } from '../state/settings';
import { AnalysisFlowSection } from './AnalysisFlowSection';
import { LanguageModelSection } from './LanguageModelSection';
import { MediaRootsSection } from './MediaRootsSection';

export function SettingsView() {
  const { t } = useTranslation();
  const { settings, error, update } = useSettings();
  if (!settings) return <p>{error ? t('common.error', { message: error }) : t('common.loading')}</p>;

  return (
    <section className="view settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      {error && <p role="alert">{t('common.error', { message: error })}</p>}
      <form className="form" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t('settings.language')}</span>
          <select
            name="language"
            value={settings.language}
            onChange={(event) => void update({ language: event.target.value as Language })}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`settings.languages.${language}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('settings.theme')}</span>
          <select
            name="theme"
            value={settings.theme}
            onChange={(event) => void update({ theme: event.target.value as Theme })}
          >
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>
                {t(`settings.themes.${theme}`)}
              </option>
            ))}
          </select>
        </label>
        <AnnotatorField />
        <label>
          <span>{t('settings.browseRoots')}</span>
          <textarea
            name="browseRoots"
            rows={2}
            defaultValue={settings.browseRoots.join('\n')}
            spellCheck={false}
            onBlur={(event) => void update({ browseRoots: event.target.value.split('\n').map((line) => line.trim()).filter(Boolean) })}
          />
          <small>{t('settings.browseRootsHint')}</small>
        </label>
        <label>
          <span>{t('settings.promptFormat')}</span>
          <select
            name="promptFormat"
            value={settings.promptFormat}
            onChange={(event) => void update({ promptFormat: event.target.value as PromptFormat })}
          >
            {PROMPT_FORMATS.map((format) => (
              <option key={format} value={format}>
                {t(`settings.promptFormats.${format}`)}
              </option>
            ))}
          </select>
          <small>{t('settings.promptFormatHint')}</small>
        </label>
        {MEGABYTE_SETTINGS.map((field) => (
          <MegabytesField key={field.name} field={field} value={settings[field.name]} onChange={(value) => void update({ [field.name]: value })} />
        ))}
        <fieldset className="expression-classes" data-testid="expression-classes">
          <legend>{t('settings.classes')}</legend>
          {CLASS_FIELDS.map((name) => (
            <label key={name}>
              <span>{t(`settings.${name}`)}</span>
              <input
                name={name}
                type="number"
                min={name === 'microMaxMs' ? 40 : 20}
                max={5000}
                defaultValue={settings.expressionClasses[name]}
                onBlur={(event) => {
                  const next = { ...settings.expressionClasses, [name]: Math.round(Number(event.target.value)) };
                  // The store refuses an onset → apex limit above the onset → offset one, or out of range.
                  if (next.microOnsetApexMaxMs >= 20 && next.microMaxMs >= 40 && next.microMaxMs <= 5000 && next.microOnsetApexMaxMs <= next.microMaxMs) void update({ expressionClasses: next });
                }}
              />
            </label>
          ))}
          <small>{t('settings.classesHint')}</small>
        </fieldset>
      </form>
      <AnalysisFlowSection />
      <MediaRootsSection />
      <LanguageModelSection />
      <ShortcutSettings />
    </section>
  );
}

/** The micro / macro boundaries (ms at the capture rate). */
const CLASS_FIELDS = ['microMaxMs', 'microOnsetApexMaxMs'] as const;

/** Cache budgets in MB (Settings keys with their limits and label keys). */
const MEGABYTE_SETTINGS = [
  { name: 'frameCacheMB', label: 'settings.frameCache', hint: null, min: 16, max: 16384 },
  { name: 'proxyCacheMB', label: 'settings.proxyCache', hint: 'settings.proxyCacheHint', min: 64, max: 1048576 },
] as const;

/** A cache budget in MB, saved on blur when in range. */
function MegabytesField({ field, value, onChange }: { readonly field: (typeof MEGABYTE_SETTINGS)[number]; readonly value: number; readonly onChange: (value: number) => void }) {
  const { t } = useTranslation();
  const { name, min, max } = field;
  return (
    <label>
      <span>{t(field.label)}</span>
      <input
        name={name}
        type="number"
        min={min}
        max={max}
        defaultValue={value}
        onBlur={(event) => {
          const next = Math.round(Number(event.target.value));
          if (next >= min && next <= max) onChange(next);
        }}
      />
      {field.hint && <small>{t(field.hint)}</small>}
    </label>
  );
}
