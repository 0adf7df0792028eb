import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '@shared/api';
import { resources } from './resources';

export { resources };

void i18next.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(language: Language): void {
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

/** An i18next language code as one of the app's languages (English for any other). */
export function languageOf(code: string | undefined): Language {
  return (LANGUAGES as readonly (string | undefined)[]).includes(code) ? (code as Language) : 'en';
}

/** The UI's language as the analysis requests carry it (the language the app was set to). */
export function uiLanguage(): Language {
  return languageOf(i18next.language);
}

export default i18next;
