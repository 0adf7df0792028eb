import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic-write';
import type { LlmFolderInfo } from './folder';
import type { GenerateTimings } from './generate';

/**
 * How fast a model folder generates on this machine, so the user sees what a description
 * will cost before it starts ("≈ N s for up to M tokens"). Measured by a short calibration
 * run and refreshed by every real generation; kept per folder in one small JSON file of
 * the user data, and forgotten when the folder's ONNX file changes.
 */
const LlmSpeedSchema = z.object({
  /** Prompt tokens per second of the first step (prefill). */
  prefillTokensPerSecond: z.number().positive(),
  /** New tokens per second after the first. */
  tokensPerSecond: z.number().positive(),
  measuredAt: z.string(),
  model: z.object({ file: z.string(), bytes: z.number(), mtimeMs: z.number() }),
});
export type LlmSpeed = z.infer<typeof LlmSpeedSchema>;

const BookSchema = z.object({ version: z.literal(1), folders: z.record(z.string(), LlmSpeedSchema) });

/** Tokens a MELLM prompt takes through Qwen3's chat template and tokenizer (the recorded 29-ROI run: see docs/benchmarks.md). */
export const MELLM_PROMPT_TOKENS = 1344;

/** A run this short says little about the decode rate; it is not recorded. */
const MIN_TOKENS = 4;
/** Folders remembered at most: the file stays small whatever the user does. */
const MAX_FOLDERS = 64;
/** Far more than 64 entries take: a larger file is not ours and is not read. */
const MAX_FILE_BYTES = 256 * 1024;

/** Rates from one generation's timings, or null when it was too short to tell. */
export function speedOf(timings: GenerateTimings): { prefillTokensPerSecond: number; tokensPerSecond: number } | null {
  const decodeMs = timings.totalMs - timings.firstTokenMs;
  if (timings.newTokens < MIN_TOKENS || decodeMs <= 0 || timings.firstTokenMs <= 0) return null;
  return { prefillTokensPerSecond: timings.promptTokens / (timings.firstTokenMs / 1000), tokensPerSecond: (timings.newTokens - 1) / (decodeMs / 1000) };
}

/** Seconds a generation of up to `maxNewTokens` after a `promptTokens` prompt takes at `speed`. */
export function estimateSeconds(speed: Pick<LlmSpeed, 'prefillTokensPerSecond' | 'tokensPerSecond'>, promptTokens: number, maxNewTokens: number): number {
  return promptTokens / speed.prefillTokensPerSecond + maxNewTokens / speed.tokensPerSecond;
}

/** The prompt of a calibration run: MELLM-like text, long enough for a steady prefill rate. */
export const CALIBRATION_PROMPT = Array.from(
  { length: 12 },
  (_, i) => `Region ${i + 1}: mean optical-flow magnitude 0.${(i * 37) % 90 + 10} px, mainly upward, onset frame ${10 + i}, apex frame ${18 + i}.`,
).join('\n') + '\nDescribe the facial movement and the most likely emotion.';
export const CALIBRATION_NEW_TOKENS = 16;

export class LlmSpeedBook {
  constructor(readonly file: string) {}

  /** The folder's measured speed, or null when never measured or its model file changed since. */
  async get(info: LlmFolderInfo): Promise<LlmSpeed | null> {
    const speed = (await this.#read()).folders[resolve(info.folder)];
    if (!speed) return null;
    const now = await modelStamp(info);
    return speed.model.file === now.file && speed.model.bytes === now.bytes && speed.model.mtimeMs === now.mtimeMs ? speed : null;
  }

  /** Records the rates of a generation (ignored when too short); returns what is stored. */
  async record(info: LlmFolderInfo, timings: GenerateTimings): Promise<LlmSpeed | null> {
    const rates = speedOf(timings);
    if (!rates) return this.get(info);
    const speed: LlmSpeed = { ...rates, measuredAt: new Date().toISOString(), model: await modelStamp(info) };
    const book = await this.#read();
    const folders = Object.entries(book.folders).filter(([folder]) => folder !== resolve(info.folder));
    folders.push([resolve(info.folder), speed]);
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, folders: Object.fromEntries(folders.slice(-MAX_FOLDERS)) }));
    return speed;
  }

  async #read(): Promise<z.infer<typeof BookSchema>> {
    try {
      if ((await stat(this.file)).size > MAX_FILE_BYTES) return { version: 1, folders: {} };
      return BookSchema.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      // Missing or unreadable: speeds are measurements, measured again on the next run.
      return { version: 1, folders: {} };
    }
  }
}

async function modelStamp(info: LlmFolderInfo): Promise<LlmSpeed['model']> {
  const s = await stat(info.modelFile);
  return { file: info.modelFile, bytes: info.bytes, mtimeMs: s.mtimeMs };
}
