import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '@shared/api';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

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

export default i18next;
