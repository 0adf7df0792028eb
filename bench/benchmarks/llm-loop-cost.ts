import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { generate, type GenerateResult } from '../../src/main/inference/llm/generate';
import type { LlmModel } from '../../src/main/inference/llm/model';
import type { SamplingOptions } from '../../src/main/inference/llm/sampling';
import { seededRandom } from '../../src/main/util/random';
import type { BenchRow } from '../harness';

/** Qwen3-0.6B's KV layout and vocabulary width (config.json of Qwen/Qwen3-0.6B). */
const QWEN3_LAYERS = 28;
const QWEN3_KV_HEADS = 8;
const QWEN3_HEAD_DIM = 128;
const QWEN3_VOCAB = 151_936;
/** Below Qwen3's first special token: every chosen id decodes to ordinary text. */
const ORDINARY_IDS = 151_643;

export interface LoopCost {
  /** Main-thread CPU of the loop's own code per token (process CPU outside `run`; nothing else runs). */
  readonly cpuMsPerToken: number;
  readonly wallMsPerToken: number;
  readonly tokens: number;
}

/**
 * The generation loop's own cost per token, apart from the model and from machine load:
 * `model`'s tokenizer and template with a stand-in session that answers every step the
 * way onnxruntime-node does at Qwen3-0.6B size — a freshly allocated float32 logits row
 * of 151,936 (copied from one of 16 random rows, each with its best id at a random
 * ordinary token), and 56 `present.*` tensors — at once, on the main thread. Time and CPU
 * inside the stand-in (the logits copy) are subtracted, so what is left is feeds, KV
 * hand-over, argmax or sampling, streaming and the garbage the step leaves. What it cannot
 * show: the KV arrays' own copies (ONNX Runtime's, inside `run`; the stand-in's presents are empty) and
 * the prefill's [1, prompt, vocab] logits (the stand-in answers every step with one row).
 */
export async function measureLoopCost(
  model: LlmModel,
  promptIds: readonly number[],
  newTokens: number,
  run: (model: LlmModel, ids: readonly number[], options: Parameters<typeof generate>[2]) => Promise<GenerateResult> = generate,
  sampling: SamplingOptions | null = null,
): Promise<LoopCost> {
  const random = seededRandom(23);
  const rows = Array.from({ length: 16 }, () => {
    const row = Float32Array.from({ length: QWEN3_VOCAB }, () => random() * 20 - 10);
    row[Math.floor(random() * ORDINARY_IDS)] = 12;
    return row;
  });
  const presents: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < QWEN3_LAYERS; layer++) {
    for (const kind of ['key', 'value']) presents[`present.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, QWEN3_KV_HEADS, 0, QWEN3_HEAD_DIM]);
  }
  let step = 0;
  let insideCpu = 0;
  let insideWall = 0;
  const session = {
    run: async () => {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      const logits = new Float32Array(QWEN3_VOCAB);
      logits.set(rows[step++ % rows.length] as Float32Array);
      const outputs = { logits: new ort.Tensor('float32', logits, [1, 1, QWEN3_VOCAB]), ...presents };
      const used = process.cpuUsage(cpu);
      insideCpu += (used.user + used.system) / 1000;
      insideWall += performance.now() - wall;
      return outputs;
    },
  };
  const kv = { layers: QWEN3_LAYERS, kvHeads: QWEN3_KV_HEADS, headDim: QWEN3_HEAD_DIM, type: 'float32' as const };
  const standIn = Object.create(model, { session: { value: session }, kv: { value: kv }, stopIds: { value: new Set<number>() } }) as LlmModel;
  const options = { maxNewTokens: newTokens, keepThinking: true, onDelta: () => undefined, ...(sampling ? { sampling } : {}) };
  await run(standIn, promptIds, { ...options, maxNewTokens: 8 });
  insideCpu = 0;
  insideWall = 0;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = await run(standIn, promptIds, options);
  const used = process.cpuUsage(cpu);
  const tokens = result.tokens.length;
  return {
    cpuMsPerToken: ((used.user + used.system) / 1000 - insideCpu) / tokens,
    wallMsPerToken: (performance.now() - wall - insideWall) / tokens,
    tokens,
  };
}

/** Rows for the llm bench: `reps` loops of `newTokens` tokens, greedy and sampled. */
export async function loopCostRows(model: LlmModel, promptIds: readonly number[], reps: number, newTokens = 256): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [method, sampling] of [
    ['greedy', null],
    ['sampling T=0.7 top-k 20 top-p 0.95', { temperature: 0.7, topK: 20, topP: 0.95, seed: 1 }],
  ] as const) {
    const costs: LoopCost[] = [];
    for (let i = 0; i < reps; i++) costs.push(await measureLoopCost(model, promptIds, newTokens, generate, sampling));
    rows.push(
      {
        case: `loop at Qwen3-0.6B layout (vocab ${QWEN3_VOCAB}, ${QWEN3_LAYERS} layers), ${promptIds.length}-token context, stand-in run`,
        method: `${method}: loop's own CPU ms per token`,
        samples: costs.map((c) => c.cpuMsPerToken),
        metrics: { tokens: newTokens, loadAverage1m: Number(loadavg()[0]?.toFixed(1)) },
      },
      {
        case: `loop at Qwen3-0.6B layout (vocab ${QWEN3_VOCAB}, ${QWEN3_LAYERS} layers), ${promptIds.length}-token context, stand-in run`,
        method: `${method}: loop's own wall ms per token`,
        samples: costs.map((c) => c.wallMsPerToken),
      },
    );
  }
  return rows;
}
