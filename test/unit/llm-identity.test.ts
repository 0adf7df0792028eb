/**
 * What an analysis records of the language model that wrote its description: besides the
 * model's id (type, folder, weight format), a fingerprint of its files, so two models in
 * folders of the same name are told apart and one model copied elsewhere is recognised.
 * Real tiny Qwen3-shaped exports (two seeds) on disk, real ONNX sessions for the load.
 * What this cannot show: a real checkpoint of gigabytes (the fingerprint reads at most
 * 3 MiB of each file, tested below on a 6 MiB file).
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisFlowModel } from '../../src/shared/api/flow';
import { ExpressionReportSchema } from '../../src/shared/api/analysis';
import { llmModelLabel, llmModelVersion } from '../../src/shared/llm-identity';
import { inspectLlmFolder } from '../../src/main/inference/llm/folder';
import { llmContentId } from '../../src/main/inference/llm/identity';
import { LlmModel } from '../../src/main/inference/llm/model';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { fingerprintModelFile, locateModelFile } from '../../src/main/inference/model-files';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-identity-');
const contentOf = async (folder: string) => llmContentId((await inspectLlmFolder(folder)).files);

describe('LLM content identity', () => {
  it('tells apart two models in folders of the same name, and knows one model copied to another folder', async () => {
    const root = tempDir();
    const first = await makeTinyModel(join(root, 'a', 'qwen3'), { seed: 1 });
    const second = await makeTinyModel(join(root, 'b', 'qwen3'), { seed: 2 });
    const copy = join(root, 'c', 'elsewhere');
    await cp(first, copy, { recursive: true });
    const [a, b, c] = await Promise.all([first, second, copy].map(contentOf));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
    expect(c).toBe(a);
    // Loading computes it once, beside the folder-based id.
    const model = await LlmModel.load(first, { renderer: inProcessTemplateRenderer });
    try {
      expect(model.contentId).toBe(a);
      expect(model.id).toMatch(/^qwen3:.*qwen3:fp32$/);
    } finally {
      await model.dispose();
    }
  }, 120_000);

  it('fingerprints a large file from its size, its two ends and pieces between', async () => {
    const dir = tempDir();
    await mkdir(join(dir, 'm'));
    const bytes = Buffer.alloc(6 * 2 ** 20, 7);
    const at = async (name: string, data: Buffer) => {
      await writeFile(join(dir, 'm', name), data);
      return fingerprintModelFile(await locateModelFile(join(dir, 'm'), name, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    };
    const base = await at('base.bin', bytes);
    expect(await at('same.bin', Buffer.from(bytes))).toBe(base);
    const changed = async (offset: number) => {
      const copy = Buffer.from(bytes);
      copy[offset] = 8;
      return at(`at-${offset}.bin`, copy);
    };
    // The first MiB, the last MiB, and the middle of the file (inside one of the spread pieces).
    for (const offset of [0, 2 ** 20 - 1, bytes.length - 1]) expect(await changed(offset)).not.toBe(base);
    const firstPiece = 2 ** 20 + Math.floor((bytes.length - 2 * 2 ** 20 - 16 * 64 * 1024) / 17);
    expect(await changed(firstPiece + 10)).not.toBe(base);
    expect(await at('longer.bin', Buffer.concat([bytes, Buffer.alloc(1, 7)]))).not.toBe(base);
    // Small files are read whole.
    const small = Buffer.from(await readFile(join(dir, 'm', 'base.bin'))).subarray(0, 1000);
    const smallChanged = Buffer.from(small);
    smallChanged[500] = 1;
    expect(await at('small.bin', small)).not.toBe(await at('small-changed.bin', smallChanged));
  });

  it('names the model with its content where an analysis lists it, and an analysis stored without it still reads', () => {
    expect(llmModelVersion('0123456789abcdef')).toBe('llm 0123456789abcdef');
    expect(llmModelVersion(null)).toBe('llm');
    expect(llmModelLabel('qwen3:/m/llm:q4', '0123456789abcdef')).toBe('qwen3:/m/llm:q4 (content 0123456789abcdef)');
    expect(llmModelLabel('qwen3:/m/llm:q4', undefined)).toBe('qwen3:/m/llm:q4');
    // The LLM's entry is never taken for the flow model, with or without its content.
    const flow = { id: 'flow-variational:balanced', version: '1' };
    expect(analysisFlowModel([{ id: 'qwen3:/m/llm:q4', version: 'llm 0123456789abcdef' }, flow])).toBe(flow.id);
    expect(analysisFlowModel([{ id: 'qwen3:/m/llm:q4', version: 'llm' }, flow])).toBe(flow.id);
    const stored = {
      onset: 1, apex: 2, offset: 3, head_motion: null, rois: [], aus: [], facs: '', emotion: { label3: null, label: null, confidence: 0 },
      prompt: 'p', description: 'd', description_source: 'llm', description_model: 'qwen3:/m/llm:q4',
    };
    expect(ExpressionReportSchema.parse(stored).description_model_content).toBeUndefined();
    expect(ExpressionReportSchema.parse({ ...stored, description_model_content: '0123456789abcdef' }).description_model_content).toBe('0123456789abcdef');
  });
});
