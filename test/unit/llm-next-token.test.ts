import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, generateChat } from '../../src/main/inference/llm/generate';
import { LlmModel } from '../../src/main/inference/llm/model';
import { argmax } from '../../src/main/inference/llm/sampling';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { useQwen3TinyModels } from '../helpers/qwen3';

const makeQwen3Model = useQwen3TinyModels();
const PROMPT = 'Describe the micro-expression: AU4 brow lowerer from onset frame 12 to apex frame 19.';
const SAMPLING = { temperature: 0.8, topK: 40, topP: 0.95, seed: 7 };
const QWEN3_VOCAB = 151_936;
const TRUSTED = { renderer: inProcessTemplateRenderer };
let folder: string;
let qwen3: LlmModel;
let tiny: LlmModel;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'mellm-llm-next-'));
  qwen3 = await LlmModel.load(await makeQwen3Model(join(folder, 'qwen3')), TRUSTED);
  tiny = await LlmModel.load(await makeTinyModel(join(folder, 'tiny')), TRUSTED);
});
afterAll(async () => {
  await Promise.all([qwen3?.dispose(), tiny?.dispose()]);
  await rm(folder, { recursive: true, force: true });
});

/**
 * The model with its session answering from `logitsFor(step, fresh)`: every step still runs
 * the real graph (so the KV cache grows as in a real run); only the logits are replaced,
 * by a tensor of the real Qwen3 vocabulary width and of the shape the graph gives
 * ([1, new tokens, vocab]).
 */
function withLogits(source: LlmModel, logitsFor: (step: number, fresh: number) => Float32Array): { model: LlmModel; rows: number[] } {
  let step = 0;
  const rows: number[] = [];
  const session = {
    run: async (feeds: Record<string, ort.Tensor>) => {
      const outputs = await source.session.run(feeds);
      const fresh = feeds.input_ids!.dims[1] as number;
      rows.push(fresh);
      return { ...outputs, logits: new ort.Tensor('float32', logitsFor(step++, fresh), [1, fresh, QWEN3_VOCAB]) };
    },
  };
  return { model: Object.create(source, { session: { value: session } }) as LlmModel, rows };
}

describe('next token from the logits', () => {
  it('keeps the tokens the tiny models generate, greedy and sampled (ids pinned)', async () => {
    const greedy = await generateChat(qwen3, { prompt: PROMPT, maxNewTokens: 24 });
    const sampled = await generateChat(qwen3, { prompt: PROMPT, maxNewTokens: 24, sampling: SAMPLING });
    expect(greedy.tokens).toEqual([
      77355, 130720, 124558, 127458, 125296, 57524, 95836, 137289, 10015, 51145, 118512, 83075, 40320, 51237, 78632, 103777, 68768, 142592, 144560, 55288, 111734, 122022,
      57470, 134861,
    ]);
    expect(sampled.tokens).toEqual([
      77355, 130720, 77613, 5153, 140443, 93553, 93082, 16886, 118975, 88099, 80208, 210, 18227, 61494, 6212, 8437, 38517, 64131, 22955, 14428, 91595, 121981, 107063,
      20400,
    ]);
    const small = await generateChat(tiny, { prompt: PROMPT, maxNewTokens: 24 });
    const smallSampled = await generateChat(tiny, { prompt: PROMPT, maxNewTokens: 24, sampling: SAMPLING });
    expect(small.tokens).toEqual([232, 236, 154, 147, 235, 327, 310, 225, 132, 285, 10, 232, 236, 154, 147, 56, 167, 81, 233, 48, 248, 42, 145, 2]);
    expect(smallSampled.tokens).toEqual([232, 236, 201, 310, 297, 90, 34, 310, 225, 177, 206, 168, 293, 70, 82, 285, 107, 145, 2, 16, 176, 52, 157, 279]);
  });

  it('takes the argmax of the last position of vocabulary-wide logits, at the prompt and at every step', async () => {
    // Each row's best id is its own: the prompt's earlier rows hold larger values elsewhere,
    // so reading any row but the last (or the whole tensor) picks a different token.
    // Ids the tiny graph can embed (its embedding has the tokenizer's 151,669 rows) as the next input.
    const chosen = [151_668, 3, 151_000, 0, 77_777];
    const { model, rows } = withLogits(qwen3, (step, fresh) => {
      const logits = new Float32Array(fresh * QWEN3_VOCAB).fill(-1);
      for (let row = 0; row < fresh - 1; row++) logits[row * QWEN3_VOCAB + 1000 + row] = 50;
      const last = (fresh - 1) * QWEN3_VOCAB;
      logits[last + (chosen[step] as number)] = 2;
      // A tie later in the row: the first of equal maxima wins, as argmax has always chosen.
      if (step === 3) logits[last + 5] = 2;
      return logits;
    });
    const prompt = qwen3.encode(PROMPT);
    const result = await generate(model, prompt, { maxNewTokens: chosen.length });
    expect(result.tokens).toEqual(chosen);
    expect(rows).toEqual([prompt.length, 1, 1, 1, 1]);
  });

  it('widens float16 logits exactly: the last row’s best half value wins, negatives and subnormals included', async () => {
    // float16 bit patterns: 0x3c00 = 1, 0xbc00 = -1, 0x0001 = the smallest subnormal, 0x7bff = 65504 (largest finite).
    const chosen = [42, 151_000, 7];
    let step = 0;
    const session = {
      run: async (feeds: Record<string, ort.Tensor>) => {
        const outputs = await qwen3.session.run(feeds);
        const fresh = feeds.input_ids!.dims[1] as number;
        const half = new Uint16Array(fresh * QWEN3_VOCAB).fill(0xbc00);
        for (let row = 0; row < fresh - 1; row++) half[row * QWEN3_VOCAB + 9] = 0x7bff;
        const last = (fresh - 1) * QWEN3_VOCAB;
        if (step === 2) {
          half[last + 3] = 0x0001;
          half[last + (chosen[2] as number)] = 0x0002;
        } else half[last + (chosen[step] as number)] = 0x3c00;
        step++;
        return { ...outputs, logits: new ort.Tensor('float16', half, [1, fresh, QWEN3_VOCAB]) };
      },
    };
    const model = Object.create(qwen3, { session: { value: session } }) as LlmModel;
    expect((await generate(model, qwen3.encode(PROMPT), { maxNewTokens: 3 })).tokens).toEqual(chosen);
  });

  it('argmax finds the first maximum wherever it is, and ignores NaN after the first value', () => {
    for (const width of [1, 2, 3, 4, 5, 7, 8, 9, QWEN3_VOCAB]) {
      for (const at of new Set([0, 1, Math.floor(width / 2), width - 2, width - 1].filter((i) => i >= 0 && i < width))) {
        const row = new Float32Array(width).fill(-3);
        row[at] = 1;
        expect(argmax(row)).toBe(at);
        if (at + 1 < width) {
          row[width - 1] = 1;
          expect(argmax(row)).toBe(at);
        }
      }
    }
    expect(argmax(Float32Array.from([Number.NaN, 4, 9]))).toBe(0);
    expect(argmax(Float32Array.from([1, Number.NaN, 9, 2, 3, 9]))).toBe(2);
    expect(argmax(Float32Array.from([-Infinity, -Infinity]))).toBe(0);
  });
});
