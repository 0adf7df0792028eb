import { resolve } from 'node:path';
import { LlmFolderPrints } from './identity';
import { LlmModel, type LoadLlmOptions } from './model';

/**
 * Keeps one language model loaded at a time: weights are hundreds of MB to GBs, so
 * switching models releases the previous session before loading the next. A model is
 * its folder and its files' content fingerprint: files replaced in the same folder are
 * another model, loaded afresh.
 */
export class LlmPool {
  #current: { key: string; model: Promise<LlmModel> } | null = null;
  readonly #prints = new LlmFolderPrints();

  constructor(private readonly options: LoadLlmOptions) {}

  async get(folder: string): Promise<LlmModel> {
    const path = resolve(folder);
    const contentId = await this.#prints.of(path, this.options.variant);
    const key = `${path}\n${contentId}`;
    if (this.#current?.key === key) return this.#current.model;
    const previous = this.#current;
    const model = (async () => {
      await previous?.model.then((m) => m.dispose()).catch(() => undefined);
      return LlmModel.load(path, { ...this.options, contentId });
    })();
    this.#current = { key, model };
    // A failed load is not kept: the next call retries (e.g. after the user fixed the folder).
    model.catch(() => {
      if (this.#current?.model === model) this.#current = null;
    });
    return model;
  }

  async dispose(): Promise<void> {
    const current = this.#current;
    this.#current = null;
    await current?.model.then((m) => m.dispose()).catch(() => undefined);
  }
}
