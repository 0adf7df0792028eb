import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithLlm } from '../../src/main/inference/llm/describe';
import { generate, generateChat, kvBytesPerToken, streamChat } from '../../src/main/inference/llm/generate';
import { LlmModel } from '../../src/main/inference/llm/model';
import type { LlmPool } from '../../src/main/inference/llm/pool';
import { QWEN3_CHAT_TEMPLATE } from '../../src/main/inference/llm/qwen3-template';
import { inProcessTemplateRenderer } from '../../src/main/inference/llm/template';
import { argmax, sampleToken } from '../../src/main/inference/llm/sampling';
import { seededRandom } from '../../src/main/util/random';
import { stripThinking, TextDeltaDecoder, ThinkingFilter } from '../../src/main/inference/llm/stream';
import { AppError } from '../../src/shared/errors';
import { QWEN3_IDS, QWEN3_TOKENIZER_DIR, useQwen3TinyModels } from '../helpers/qwen3';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-');
const makeQwen3Model = useQwen3TinyModels();
const PROMPT = 'Describe the micro-expression: AU4 brow lowerer from onset frame 12 to apex frame 19.';
let folder: string;
let model: LlmModel;
// Qwen3's own template: rendered in this process (a user's folder renders in the sandbox).
const TRUSTED = { renderer: inProcessTemplateRenderer };

beforeAll(async () => {
  // beforeAll runs outside a test, so the shared model gets its own folder (removed in afterAll).
  folder = await makeQwen3Model(mkdtempSync(join(tmpdir(), 'mellm-llm-shared-')));
  model = await LlmModel.load(folder, TRUSTED);
});
afterAll(async () => {
  await model.dispose();
  await rm(folder, { recursive: true, force: true });
});

async function expectAppError(promise: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(text);
}

/** A delta holds only whole characters: no replacement character, no lone surrogate. */
const wholeCharacters = (text: string) => !text.includes('\uFFFD') && Buffer.from(text, 'utf8').toString('utf8') === text;

/**
 * The model with its next-token choice taken from `script`: each step still runs the real
 * graph (the KV cache grows as in a real run), only the logits are replaced by a one-hot row.
 */
function scripted(source: LlmModel, script: readonly number[]): LlmModel {
  let step = 0;
  const session = {
    run: async (feeds: Record<string, ort.Tensor>) => {
      const outputs = await source.session.run(feeds);
      const width = (outputs.logits as ort.Tensor).dims.at(-1) as number;
      const logits = new Float32Array(width);
      logits[script[Math.min(step++, script.length - 1)] as number] = 1;
      return { ...outputs, logits: new ort.Tensor('float32', logits, [1, 1, width]) };
    },
  };
  return Object.create(source, { session: { value: session } }) as LlmModel;
}

describe('LLM loader', () => {
  it('reads the KV layout, stop tokens and Qwen3 chat template of the export', async () => {
    expect(model.kv).toEqual({ layers: 2, kvHeads: 2, headDim: 8, type: 'float32' });
    // Qwen3's own ids: the tiny export carries the real tokenizer.json.
    expect(['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<think>', '</think>'].map((t) => model.tokenizer.token_to_id(t))).toEqual([
      QWEN3_IDS.endoftext,
      QWEN3_IDS.imStart,
      QWEN3_IDS.imEnd,
      QWEN3_IDS.think,
      QWEN3_IDS.thinkEnd,
    ]);
    expect([...model.stopIds].sort()).toEqual([QWEN3_IDS.endoftext, QWEN3_IDS.imEnd]);
    const messages = [{ role: 'system' as const, content: 'You are a FACS coder.' }, { role: 'user' as const, content: 'hi' }];
    expect(await model.renderChat(messages, { enableThinking: false })).toBe(
      '<|im_start|>system\nYou are a FACS coder.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect((await model.renderChat(messages, { enableThinking: true })).endsWith('<|im_start|>assistant\n')).toBe(true);
    // Earlier turns lose their reasoning, as Qwen3's template specifies (namespace, [::-1], split).
    const history = [
      { role: 'user' as const, content: 'AU4?' },
      { role: 'assistant' as const, content: '<think>\nbrow\n</think>\n\nBrow lowerer.' },
      { role: 'user' as const, content: 'AU12?' },
    ];
    expect(await model.renderChat(history, { enableThinking: true })).toBe(
      '<|im_start|>user\nAU4?<|im_end|>\n<|im_start|>assistant\nBrow lowerer.<|im_end|>\n<|im_start|>user\nAU12?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('tokenizes chat markup as single special tokens and round-trips text', async () => {
    const text = await model.renderChat([{ role: 'user', content: '微表情 AU12' }], { enableThinking: false });
    const ids = model.encode(text);
    const [newline, blank] = [model.encode('\n'), model.encode('\n\n')];
    expect([newline, blank]).toEqual([[198], [271]]);
    // <|im_start|>user\n微表情 AU12<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n
    expect(ids).toEqual([
      QWEN3_IDS.imStart,
      ...model.encode('user'),
      ...newline,
      ...model.encode('微表情 AU12'),
      QWEN3_IDS.imEnd,
      ...newline,
      QWEN3_IDS.imStart,
      ...model.encode('assistant'),
      ...newline,
      QWEN3_IDS.think,
      ...blank,
      QWEN3_IDS.thinkEnd,
      ...blank,
    ]);
    expect(model.decode(ids)).toBe(text);
  });

  it("carries Qwen3's released tokenizer files byte for byte, and the built-in template equals the released one", async () => {
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
      const [released, exported] = await Promise.all([readFile(join(QWEN3_TOKENIZER_DIR, file)), readFile(join(folder, file))]);
      expect(exported.equals(released), file).toBe(true);
    }
    const released = JSON.parse(await readFile(join(QWEN3_TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')) as { chat_template: string };
    expect(QWEN3_CHAT_TEMPLATE).toBe(released.chat_template);
  });

  it('names the missing file of an incomplete folder', async () => {
    const dir = await makeQwen3Model(join(tempDir(), 'm'));
    await rm(join(dir, 'tokenizer.json'));
    await expectAppError(LlmModel.load(dir, TRUSTED), 'MODEL_MISSING', /tokenizer\.json missing/);
    const noWeights = await makeQwen3Model(join(tempDir(), 'm'));
    await rm(join(noWeights, 'onnx', 'model.onnx'));
    await expectAppError(LlmModel.load(noWeights, TRUSTED), 'MODEL_MISSING', /onnx\/model\.onnx/);
    await expectAppError(LlmModel.load(join(tempDir(), 'nothing'), TRUSTED), 'MODEL_MISSING', /does not exist/);
  });

  it('refuses a model that is not a causal LM, and one larger than free memory', async () => {
    const dir = await makeQwen3Model(join(tempDir(), 'm'));
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['BertModel'] }));
    await expectAppError(LlmModel.load(dir, TRUSTED), 'MODEL_INVALID', /not a causal language model/);
    await expectAppError(LlmModel.load(folder, { ...TRUSTED, freeMemoryBytes: 10_000 }), 'INSUFFICIENT_MEMORY', /free/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 28 }));
    await expectAppError(LlmModel.load(dir, TRUSTED), 'MODEL_INVALID', /layers 28 in config, 2 in the ONNX model/);
  });
});

describe('LLM generation', () => {
  it('produces exactly the same tokens with the KV cache as by re-running the whole sequence', async () => {
    const cached = await generateChat(model, { prompt: PROMPT, maxNewTokens: 24 });
    const uncached = await generateChat(model, { prompt: PROMPT, maxNewTokens: 24, kvCache: false });
    expect(cached.tokens.length).toBeGreaterThan(0);
    expect(cached.tokens).toEqual(uncached.tokens);
    expect(cached.rawText).toBe(model.decode(cached.tokens));
  });

  it('does the same with a float16 KV cache', async () => {
    const half = await LlmModel.load(await makeQwen3Model(join(tempDir(), 'fp16'), { kvType: 'float16' }), TRUSTED);
    try {
      expect(half.kv.type).toBe('float16');
      const cached = await generateChat(half, { prompt: PROMPT, maxNewTokens: 16 });
      const uncached = await generateChat(half, { prompt: PROMPT, maxNewTokens: 16, kvCache: false });
      expect(cached.tokens).toEqual(uncached.tokens);
    } finally {
      await half.dispose();
    }
  });

  it('is deterministic when greedy and reproducible per seed when sampling', async () => {
    const a = await generateChat(model, { prompt: PROMPT, maxNewTokens: 16 });
    const b = await generateChat(model, { prompt: PROMPT, maxNewTokens: 16 });
    expect(a.tokens).toEqual(b.tokens);
    const sampling = { temperature: 1.2, topK: 40, topP: 0.95, seed: 42 };
    const s1 = await generateChat(model, { prompt: PROMPT, maxNewTokens: 16, sampling });
    const s2 = await generateChat(model, { prompt: PROMPT, maxNewTokens: 16, sampling });
    const s3 = await generateChat(model, { prompt: PROMPT, maxNewTokens: 16, sampling: { ...sampling, seed: 43 } });
    expect(s1.tokens).toEqual(s2.tokens);
    expect(s1.tokens).not.toEqual(s3.tokens);
    expect(s1.tokens).not.toEqual(a.tokens);
  });

  it('streams deltas that add up to the decoded text, and stops at max new tokens', async () => {
    const deltas: string[] = [];
    const result = await generateChat(model, { prompt: PROMPT, maxNewTokens: 20, keepThinking: true, onDelta: (d) => deltas.push(d) });
    expect(result.finishReason).toBe('length');
    expect(result.tokens).toHaveLength(20);
    expect(deltas.join('')).toBe(result.rawText);
    expect(result.timings.runMs).toBeLessThanOrEqual(result.timings.totalMs);
  });

  it('streams as an async iterator whose deltas add up to the text; leaving early cancels', async () => {
    const deltas: string[] = [];
    const stream = streamChat(model, { prompt: PROMPT, maxNewTokens: 16, keepThinking: true });
    let next = await stream.next();
    for (; !next.done; next = await stream.next()) deltas.push(next.value);
    expect(next.value?.tokens).toHaveLength(16);
    expect(deltas.join('')).toBe(next.value?.rawText);
    const seen: number[] = [];
    for await (const delta of streamChat(model, { prompt: PROMPT, maxNewTokens: 500, onToken: (id) => seen.push(id) })) {
      if (delta) break;
    }
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBeLessThanOrEqual(count + 1);
    expect(count).toBeLessThan(500);
  });

  it('stops at a stop token, which is not part of the output', async () => {
    const free = await generateChat(model, { prompt: PROMPT, maxNewTokens: 8 });
    const stop = free.tokens[3]!;
    const stopped = await generateChat(model, { prompt: PROMPT, maxNewTokens: 8, stopTokens: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.tokens).toEqual(free.tokens.slice(0, free.tokens.indexOf(stop)));
  });

  it('stops within one token step of cancellation', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = generate(model, model.encode(PROMPT), {
      maxNewTokens: 50,
      signal: controller.signal,
      onToken: (id) => {
        seen.push(id);
        if (seen.length === 3) controller.abort();
      },
    });
    await expectAppError(run, 'CANCELLED', /cancelled/);
    expect(seen).toHaveLength(3);
  });
});

describe('LLM generation defaults and bounds', () => {
  it("leaves thinking to the chat template by default: Qwen3's thinks, and off adds the empty block", async () => {
    const messages = [{ role: 'user' as const, content: PROMPT }];
    const byDefault = await model.renderChat(messages);
    expect(byDefault).toBe(await model.renderChat(messages, { enableThinking: true }));
    expect(byDefault.endsWith('<|im_start|>assistant\n')).toBe(true);
    expect(await model.renderChat(messages, { enableThinking: false })).toBe(`${byDefault}<think>\n\n</think>\n\n`);
    // generateChat without `thinking` renders the template's default too; off costs the 4 tokens of the empty block.
    const plain = await generateChat(model, { prompt: PROMPT, maxNewTokens: 1 });
    expect(plain.timings.promptTokens).toBe(model.encode(byDefault).length);
    expect((await generateChat(model, { prompt: PROMPT, maxNewTokens: 1, thinking: false })).timings.promptTokens).toBe(plain.timings.promptTokens + 4);
  });

  it("stops at the model's context length, and refuses a prompt that fills it", async () => {
    const dir = await makeQwen3Model(join(tempDir(), 'short-context'));
    const prompt = model.encode(PROMPT);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: prompt.length + 3 }));
    const short = await LlmModel.load(dir, TRUSTED);
    try {
      const result = await generate(short, prompt, { maxNewTokens: 50 });
      expect(result).toMatchObject({ finishReason: 'length', tokens: expect.any(Array) });
      expect(result.tokens).toHaveLength(3);
      await expectAppError(generate(short, [...prompt, ...prompt], { maxNewTokens: 5 }), 'INVALID_INPUT', /reads at most \d+ \(max_position_embeddings\)/);
    } finally {
      await short.dispose();
    }
  });

  it('stops a generation whose KV cache outgrows the memory it may take, naming the token it reached', async () => {
    const prompt = model.encode(PROMPT);
    // Room for the cache of the prompt and 4 new tokens while a step runs (old and new cache alive).
    const memoryBudgetBytes = 2 * (prompt.length + 5) * kvBytesPerToken(model.kv);
    expect(kvBytesPerToken(model.kv)).toBe(2 * 2 * 2 * 8 * 4);
    const seen: number[] = [];
    const run = generate(model, prompt, { maxNewTokens: 50, memoryBudgetBytes, onToken: (id) => seen.push(id) });
    await expectAppError(run, 'INSUFFICIENT_MEMORY', /reached 5 tokens: its next step needs .* KV cache.*Lower the maximum of new tokens/);
    expect(seen).toHaveLength(5);
  });
});

describe('LLM describer', () => {
  const pool = (source: LlmModel) => ({ get: async () => source }) as unknown as LlmPool;
  const answer = '眉毛下压（AU4），嘴角下拉：消极。';
  const reasoning = '<think>\nAU4 和 AU15 同时出现。\n</think>\n\n';

  it('shows the answer without the <think> block, keeps the reasoning apart and reports its token count', async () => {
    const script = [...model.encode(reasoning + answer), QWEN3_IDS.imEnd];
    const progress: Array<[number, number]> = [];
    const streamed: string[] = [];
    const described = await describeWithLlm(PROMPT, {
      folder: 'scripted',
      pool: pool(scripted(model, script)),
      maxNewTokens: 100,
      onDelta: (d) => streamed.push(d),
      onTokens: (generated, cap) => progress.push([generated, cap]),
    });
    expect(described).toMatchObject({ text: answer, thinking: 'AU4 和 AU15 同时出现。', source: 'llm', finishReason: 'stop', tokens: script.length - 1 });
    expect(streamed.join('')).toBe(answer);
    expect(progress.map(([generated]) => generated)).toEqual(Array.from({ length: script.length - 1 }, (_, i) => i + 1));
    expect(progress.every(([, cap]) => cap === 100)).toBe(true);
  });

  it('says so when the cap ends the answer inside its thinking, instead of an empty description', async () => {
    const script = model.encode(reasoning + answer);
    const cut = script.indexOf(QWEN3_IDS.thinkEnd);
    await expectAppError(
      describeWithLlm(PROMPT, { folder: 'scripted', pool: pool(scripted(model, script)), maxNewTokens: cut }),
      'INVALID_INPUT',
      new RegExp(`spent all ${cut} new tokens thinking.*raise the maximum of new tokens or turn thinking off`),
    );
    const kept = await describeWithLlm(PROMPT, { folder: 'scripted', pool: pool(scripted(model, script)), maxNewTokens: cut, keepThinking: true });
    expect(kept).toMatchObject({ text: '<think>\nAU4 和 AU15 同时出现。', thinking: 'AU4 和 AU15 同时出现。', finishReason: 'length' });
    const plain = await describeWithLlm(PROMPT, { folder: 'scripted', pool: pool(scripted(model, model.encode(answer))), maxNewTokens: 3 });
    expect(plain).toMatchObject({ thinking: null, finishReason: 'length', tokens: 3 });
  });
});

describe('LLM text streaming', () => {
  it('holds back a Chinese character that Qwen3\'s BPE splits over byte-level tokens', () => {
    // Common characters are whole tokens in Qwen3's vocabulary; 龘 and 鬱 are two byte-level tokens each.
    expect(model.encode('眉毛')).toHaveLength(1);
    expect(model.encode('龘')).toHaveLength(2);
    expect(model.encode('鬱')).toHaveLength(2);
    const text = '微表情：眉毛下压 龘鬱 onset→apex 😀 ok';
    const ids = model.encode(text);
    const decoder = new TextDeltaDecoder((chunk) => model.decode(chunk));
    const deltas = ids.map((id) => decoder.push(id));
    deltas.push(decoder.flush());
    for (const delta of deltas) expect(wholeCharacters(delta), JSON.stringify(delta)).toBe(true);
    expect(deltas.filter((d) => d === '').length).toBeGreaterThanOrEqual(2);
    expect(deltas.join('')).toBe(text);
  });

  it('streams a Chinese answer after a thinking block through generation: whole characters, the block hidden', async () => {
    const answer = '微表情：眉毛下压（AU4），龘鬱 😀';
    const reasoning = '<think>\n眉毛下压是 AU4，龘。\n</think>\n\n';
    const script = [...model.encode(reasoning + answer), QWEN3_IDS.imEnd];
    expect(script.slice(0, 1)).toEqual([QWEN3_IDS.think]);
    expect(script).toContain(QWEN3_IDS.thinkEnd);
    const deltas: string[] = [];
    const hidden = await generateChat(scripted(model, script), { prompt: PROMPT, maxNewTokens: 200, onDelta: (d) => deltas.push(d) });
    expect(hidden.finishReason).toBe('stop');
    expect(hidden.tokens).toEqual(script.slice(0, -1));
    expect(hidden.rawText).toBe(reasoning + answer);
    expect(hidden.text).toBe(answer);
    expect(deltas.join('')).toBe(answer);
    for (const delta of deltas) expect(wholeCharacters(delta), JSON.stringify(delta)).toBe(true);

    const shown: string[] = [];
    const kept = await generateChat(scripted(model, script), { prompt: PROMPT, maxNewTokens: 200, keepThinking: true, onDelta: (d) => shown.push(d) });
    expect(kept.text).toBe(reasoning + answer);
    expect(shown.join('')).toBe(reasoning + answer);
    for (const delta of shown) expect(wholeCharacters(delta), JSON.stringify(delta)).toBe(true);
  });

  it('strips the thinking block, also when its tags arrive in pieces', () => {
    expect(stripThinking('<think>\nAU4 means…\n</think>\n\nBrow lowering.')).toBe('Brow lowering.');
    expect(stripThinking('<think>\nstill thinking')).toBe('');
    const filter = new ThinkingFilter(false);
    const pieces = ['<th', 'ink>\nreason', 'ing about AU4\n</thi', 'nk>\n\n', 'Brow ', 'lowering 微'];
    const out = pieces.map((p) => filter.push(p)).join('') + filter.finish();
    expect(out).toBe('Brow lowering 微');
    const keep = new ThinkingFilter(true);
    expect(pieces.map((p) => keep.push(p)).join('') + keep.finish()).toBe(pieces.join(''));
  });
});

describe('LLM sampling', () => {
  const logits = Float32Array.from([0, Math.log(3), 5, Math.log(1), -40]);
  it('honours top-k, top-p and temperature', () => {
    const random = seededRandom(9);
    expect(argmax(logits)).toBe(2);
    expect(sampleToken(logits, { temperature: 1, topK: 1, topP: 1, seed: 0 }, random)).toBe(2);
    expect(sampleToken(logits, { temperature: 0, topK: 0, topP: 1, seed: 0 }, random)).toBe(2);
    expect(sampleToken(logits, { temperature: 1, topK: 0, topP: 0.5, seed: 0 }, random)).toBe(2);
  });

  it('draws tokens in proportion to softmax(logits / T)', () => {
    const flat = Float32Array.from([0, Math.log(3), Math.log(1), -1000]);
    const random = seededRandom(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[sampleToken(flat, { temperature: 1, topK: 0, topP: 1, seed: 0 }, random)]! += 1;
    expect(counts[3]).toBe(0);
    expect(counts[1]! / 5000).toBeCloseTo(0.6, 1);
    expect(counts[0]! / 5000).toBeCloseTo(0.2, 1);
    const top2 = [0, 0, 0, 0];
    for (let i = 0; i < 2000; i++) top2[sampleToken(flat, { temperature: 1, topK: 2, topP: 1, seed: 0 }, random)]! += 1;
    expect(top2[2]).toBe(0);
  });
});
