import { FACS_MESSAGES, FACS_PHRASES } from '@shared/facs/messages';
import { IMPORT_MESSAGES } from '@shared/import-messages';
import { IMPORT_REFUSALS } from '@shared/import-refusal';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

// Main writes import problems', import refusals' and FACS reasons' English from the shared tables; the window's English is those same tables.
export const resources = {
  en: { translation: { ...en, importMessages: IMPORT_MESSAGES, importRefusals: IMPORT_REFUSALS, facsMessages: FACS_MESSAGES, facsPhrases: FACS_PHRASES } },
  'zh-CN': { translation: zhCN },
} as const;
