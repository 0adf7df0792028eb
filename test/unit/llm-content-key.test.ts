import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServices, disposeServices } from '../../src/main/app/services';
import { LlmPool } from '../../src/main/inference/llm/pool';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-content-');

/** Replaces a model folder's files in place with another model's (the user copied a new export over the old one). */
async function replaceFiles(folder: string, seed: number): Promise<void> {
  const other = await makeTinyModel(join(tempDir(), 'other'), { seed });
  await rm(folder, { recursive: true, force: true });
  await cp(other, folder, { recursive: true });
}

describe('a language model replaced in its folder', () => {
  it('is loaded again by the pool (one model at a time)', async () => {
    const folder = await makeTinyModel(join(tempDir(), 'model'), { seed: 1 });
    const pool = new LlmPool({ renderer: inProcessTemplateRenderer });
    try {
      const first = await pool.get(folder);
      expect(await pool.get(folder)).toBe(first);
      await replaceFiles(folder, 2);
      const second = await pool.get(folder);
      expect(second).not.toBe(first);
      expect(second.contentId).not.toBe(first.contentId);
      expect(await pool.get(folder)).toBe(second);
    } finally {
      await pool.dispose();
    }
  });

  it("makes the analyses it described out of date (the settings key follows the model's content, not its folder)", async () => {
    const folder = await makeTinyModel(join(tempDir(), 'model'), { seed: 1 });
    const services = createServices({ userDataDir: tempDir(), modelsDir: tempDir() });
    try {
      await services.settings.update({ activeLlm: folder });
      const before = await services.analysis.configKey();
      expect(await services.analysis.configKey()).toBe(before);
      await replaceFiles(folder, 2);
      const after = await services.analysis.configKey();
      expect(after).not.toBe(before);
      // The same files in another folder are the same model: what it is, wherever it is.
      const moved = join(tempDir(), 'moved');
      await cp(folder, moved, { recursive: true });
      expect(await services.analysis.configKey({ llmFolder: moved })).toBe(after);
      // A folder that is gone still gives a key (the run itself says what is missing).
      expect(await services.analysis.configKey({ llmFolder: join(tempDir(), 'gone') })).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await disposeServices(services);
    }
  });
});
