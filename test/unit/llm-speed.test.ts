import { mkdtempSync, rmSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmSpeedReport } from '../../src/shared/api';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { inspectLlmFolder } from '../../src/main/inference/llm/folder';
import { estimateSeconds, LlmSpeedBook, MELLM_PROMPT_TOKENS, speedOf } from '../../src/main/inference/llm/speed';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-speed-');
let tiny: string;
beforeAll(async () => {
  tiny = await makeTinyModel(join(mkdtempSync(join(tmpdir(), 'mellm-llm-speed-model-')), 'tiny'));
});
afterAll(() => rmSync(join(tiny, '..'), { recursive: true, force: true }));

const timings = (promptTokens: number, newTokens: number, firstTokenMs: number, totalMs: number) => ({ promptTokens, newTokens, firstTokenMs, totalMs, runMs: totalMs, tokensPerSecond: 0 });

describe('generation speed', () => {
  it('separates the prefill rate from the decode rate, and estimates prompt + answer', () => {
    // 1000 prompt tokens in 2 s; then 10 more tokens (11 in all) in 1 s.
    const speed = speedOf(timings(1000, 11, 2000, 3000));
    expect(speed).toEqual({ prefillTokensPerSecond: 500, tokensPerSecond: 10 });
    expect(estimateSeconds(speed!, 1000, 100)).toBe(12);
    expect(speedOf(timings(1000, 3, 2000, 2100))).toBeNull();
  });

  it('is kept per folder and forgotten when the model file changes; an unreadable book loses nothing else', async () => {
    const info = await inspectLlmFolder(tiny);
    const book = new LlmSpeedBook(join(tempDir(), 'llm-speed.json'));
    expect(await book.get(info)).toBeNull();
    const stored = await book.record(info, timings(200, 17, 400, 2000));
    expect(stored).toMatchObject({ prefillTokensPerSecond: 500, tokensPerSecond: 10 });
    expect(await new LlmSpeedBook(book.file).get(info)).toEqual(stored);
    // Too short a run does not overwrite the measurement.
    expect(await book.record(info, timings(200, 2, 400, 500))).toEqual(stored);
    await utimes(info.modelFile, new Date(), new Date(Date.now() + 5000));
    expect(await book.get(info)).toBeNull();
    await writeFile(book.file, '{"version": 1, "folders": 7');
    expect(await book.get(info)).toBeNull();
    expect(await book.record(info, timings(200, 17, 400, 2000))).toMatchObject({ tokensPerSecond: 10 });
    await writeFile(book.file, 'x'.repeat(300 * 1024));
    expect(await book.get(info)).toBeNull();
  });

  it('llm.speed has no estimate until llm.calibrate measured the active folder; then ≈ N s for up to the setting', async () => {
    const services = createServices({ userDataDir: tempDir(), modelsDir: tempDir() });
    const handlers = createHandlerTable(services);
    const call = async (name: string, input: unknown) => {
      const result = await dispatch(handlers, name, input, { transport: 'direct' });
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.data as LlmSpeedReport;
    };
    try {
      expect(await call('llm.speed', {})).toEqual({ folder: null, speed: null, estimate: null });
      const broken = join(tempDir(), 'no-model');
      expect(await call('llm.speed', { folder: broken })).toEqual({ folder: broken, speed: null, estimate: null });
      await services.settings.update({ activeLlm: tiny, llmMaxNewTokens: 2000 });
      expect(await call('llm.speed', {})).toEqual({ folder: tiny, speed: null, estimate: null });
      const calibrated = await call('llm.calibrate', {});
      expect(calibrated.speed?.tokensPerSecond).toBeGreaterThan(0);
      const { speed, estimate } = await call('llm.speed', { maxNewTokens: 500 });
      expect(speed).toEqual(calibrated.speed);
      expect(estimate?.maxNewTokens).toBe(500);
      expect(estimate?.promptTokens).toBe(MELLM_PROMPT_TOKENS);
      expect(estimate?.seconds).toBeCloseTo(MELLM_PROMPT_TOKENS / speed!.prefillTokensPerSecond + 500 / speed!.tokensPerSecond, 6);
      expect(calibrated.estimate?.maxNewTokens).toBe(2000);
      const bad = await dispatch(handlers, 'llm.speed', { maxNewTokens: 0 }, { transport: 'direct' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    } finally {
      await disposeServices(services);
    }
  });
});
