import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ANALYSIS_FLOW, DEFAULT_CLASS_THRESHOLDS_SETTING, SettingsSchema, type Settings } from '@shared/api';
import { DEFAULT_LLM_GENERATION } from '@shared/llm-generation';
import { writeFileAtomic } from './util/atomic-write';
import { DEFAULT_PROXY_CACHE_MB } from './media/proxy-manager';

export const DEFAULT_SETTINGS: Settings = {
  language: 'en',
  theme: 'dark',
  annotator: '',
  frameCacheMB: 512,
  proxyCacheMB: DEFAULT_PROXY_CACHE_MB,
  llmFolders: [],
  activeLlm: null,
  llmThinking: DEFAULT_LLM_GENERATION.thinking,
  llmMaxNewTokens: DEFAULT_LLM_GENERATION.maxNewTokens,
  promptFormat: 'mellm',
  analysisFlow: DEFAULT_ANALYSIS_FLOW,
  expressionClasses: DEFAULT_CLASS_THRESHOLDS_SETTING,
  shortcuts: {},
  browseRoots: [],
  mediaRoots: {},
};

/** User settings as one JSON file in the user-data folder; unreadable files fall back to defaults. */
export class SettingsStore {
  readonly path: string;
  #current: Settings | undefined;
  #updates: Promise<unknown> = Promise.resolve();

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    this.#current ??= await this.#load();
    return this.#current;
  }

  /**
   * Updates apply one after another, each on the settings the previous one wrote: two
   * windows (or a window and the CLI's bridge) changing different keys at once keep both.
   */
  update(patch: Partial<Settings>): Promise<Settings> {
    const next = this.#updates.then(() => this.#apply(patch));
    this.#updates = next.catch(() => undefined);
    return next;
  }

  async #apply(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...(await this.get()), ...patch });
    await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
    this.#current = next;
    return next;
  }

  async #load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
    try {
      return SettingsSchema.parse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) });
    } catch {
      // Keep the unreadable file for the user instead of silently overwriting it.
      await rename(this.path, `${this.path}.unreadable-${Date.now()}`).catch(() => undefined);
      return { ...DEFAULT_SETTINGS };
    }
  }
}
