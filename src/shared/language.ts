import { z } from 'zod';

/** The languages of the UI, and of what the app writes for people (the rules' description, ROI labels). */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;
