import { resolve } from 'node:path';
import { LlmModel, type LoadLlmOptions } from './model';

/**
 * Keeps one language model loaded at a time: weights are hundreds of MB to GBs, so
 * switching folders releases the previous session before loading the next.
 */
export class LlmPool {
  #current: { folder: string; model: Promise<LlmModel> } | null = null;

  constructor(private readonly options: LoadLlmOptions) {}

  get(folder: string): Promise<LlmModel> {
    const key = resolve(folder);
    if (this.#current?.folder === key) return this.#current.model;
    const previous = this.#current;
    const model = (async () => {
      await previous?.model.then((m) => m.dispose()).catch(() => undefined);
      return LlmModel.load(key, this.options);
    })();
    this.#current = { folder: key, model };
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
