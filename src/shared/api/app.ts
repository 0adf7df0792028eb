import { z } from 'zod';
import { MaxNewTokensSchema, ThinkingSchema } from '../llm-generation';
import { channel } from './channel';
import { ClassThresholdsSchema, DEFAULT_CLASS_THRESHOLDS_SETTING, PromptFormatSchema } from './analysis';
import { LanguageSchema } from '../language';
import { AnalysisFlowSchema } from './flow';
import { MediaRootsSchema } from '../media-roots';

export { LANGUAGES, LanguageSchema, type Language } from '../language';

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  transport: z.enum(['ipc', 'bridge', 'direct']),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];

export const SettingsSchema = z.object({
  language: LanguageSchema,
  theme: z.enum(THEMES),
  annotator: z.string().max(120),
  frameCacheMB: z.number().int().min(16).max(16_384),
  /** Disk budget for display proxies of long videos (cache/proxies, LRU). */
  proxyCacheMB: z.number().int().min(64).max(1_048_576),
  llmFolders: z.array(z.string().min(1).max(4096)).max(64),
  activeLlm: z.string().min(1).max(4096).nullable(),
  /** Qwen3 thinking: true / false, or null for the chat template's own default (Qwen3: on). */
  llmThinking: ThinkingSchema,
  /** The most tokens the language model writes for one answer (thinking included). */
  llmMaxNewTokens: MaxNewTokensSchema,
  /** How analyses write the prompt (stored, exported, and the LLM's input): mellm, the reference's text, or json. */
  promptFormat: PromptFormatSchema,
  /** The flow model and presets each analysis runs with (recorded with it, part of its config key). */
  analysisFlow: AnalysisFlowSchema,
  /** Micro / macro boundaries (ms at the capture rate); part of the analysis config key when not the defaults. */
  expressionClasses: ClassThresholdsSchema.default(DEFAULT_CLASS_THRESHOLDS_SETTING),
  /** Keyboard shortcut overrides: action id → chord (e.g. `Shift+I`); absent = the default. */
  shortcuts: z.record(z.string().max(40), z.string().max(40)).default({}),
  /** Folders the file browser and pickers may show (absolute); empty means the home folder. */
  browseRoots: z.array(z.string().min(1).max(4096)).max(32).default([]),
  /** This workstation's folder for each named media root of a shared corpus (name → absolute folder). */
  mediaRoots: MediaRootsSchema.default({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DoctorReportSchema = z.object({
  ffmpeg: z.object({
    ok: z.boolean(),
    path: z.string().nullable(),
    source: z.enum(['ffmpeg-static', 'FFMPEG_PATH', 'PATH']).nullable(),
    version: z.string().nullable(),
    error: z.string().nullable(),
  }),
  onnxruntime: z.object({
    version: z.string(),
    providers: z.array(z.object({ name: z.string(), available: z.boolean() })),
  }),
  sqlite: z.object({ version: z.string(), driver: z.string() }),
  /** A PostgreSQL workspace's server, when one was named (`mellm doctor --workspace postgres://…`): its URL without password. */
  postgres: z.object({ location: z.string(), version: z.string().nullable(), error: z.string().nullable() }).optional(),
  models: z.array(
    z.object({
      id: z.string(),
      stage: z.string(),
      present: z.boolean(),
      path: z.string(),
      note: z.string().nullable(),
    }),
  ),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

export const appChannels = {
  'app.info': channel(z.object({}).strict(), AppInfoSchema),
  'app.doctor': channel(z.object({}).strict(), DoctorReportSchema),
  'settings.get': channel(z.object({}).strict(), SettingsSchema),
  'settings.update': channel(SettingsSchema.partial().strict(), SettingsSchema),
};
