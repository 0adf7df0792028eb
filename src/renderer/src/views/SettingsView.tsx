import { useTranslation } from 'react-i18next';
import { LANGUAGES, THEMES, type Language, type Theme } from '@shared/api';
import { useSettings } from '../state/settings';
import { LanguageModelSection } from './LanguageModelSection';

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
        <label>
          <span>{t('settings.annotator')}</span>
          <input
            name="annotator"
            defaultValue={settings.annotator}
            maxLength={120}
            onBlur={(event) => void update({ annotator: event.target.value.trim() })}
          />
          <small>{t('settings.annotatorHint')}</small>
        </label>
        <label>
          <span>{t('settings.frameCache')}</span>
          <input
            name="frameCacheMB"
            type="number"
            min={16}
            max={16384}
            defaultValue={settings.frameCacheMB}
            onBlur={(event) => {
              const value = Math.round(Number(event.target.value));
              if (value >= 16 && value <= 16384) void update({ frameCacheMB: value });
            }}
          />
        </label>
        <label>
          <span>{t('settings.proxyCache')}</span>
          <input
            name="proxyCacheMB"
            type="number"
            min={64}
            max={1048576}
            defaultValue={settings.proxyCacheMB}
            onBlur={(event) => {
              const value = Math.round(Number(event.target.value));
              if (value >= 64 && value <= 1048576) void update({ proxyCacheMB: value });
            }}
          />
          <small>{t('settings.proxyCacheHint')}</small>
        </label>
      </form>
      <LanguageModelSection />
    </section>
  );
}
