import { mkdtempSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../src/shared/api';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { runCli } from '../../src/main/cli/main';
import { sha256File } from '../../src/main/inference/llm/verify';
import { createServices } from '../../src/main/app/services';
import { useQwen3TinyModels } from '../helpers/qwen3';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-llm-mgr-');
const makeQwen3Model = useQwen3TinyModels();
let tiny: string;
let server: Server;
let origin: string;
const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  tiny = await makeQwen3Model(join(mkdtempSync(join(tmpdir(), 'mellm-llm-src-')), 'tiny'));
  // A loopback file server with HTTP Range support, standing in for a model host.
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    void readFile(join(tiny, decodeURIComponent((req.url ?? '/').slice('/model/'.length)))).then(
      (body) => {
        const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
        if (range) {
          const start = Number(range[1]);
          if (start >= body.length) return res.writeHead(416).end();
          res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
          return res.end(body.subarray(start));
        }
        res.writeHead(200, { 'content-length': body.length }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(join(tiny, '..'), { recursive: true, force: true });
});

function setup() {
  const services = createServices({ userDataDir: tempDir(), modelsDir: tempDir() });
  const handlers = createHandlerTable(services);
  const events: Array<{ name: EventName; payload: unknown }> = [];
  services.events.subscribe((name, payload) => events.push({ name, payload }));
  const call = async <T>(name: string, input: unknown) => {
    const result = await dispatch(handlers, name, input, { transport: 'direct' });
    return result as { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
  };
  return { services, call, events };
}

describe('LLM manager and channels', () => {
  it('lists configured folders and verifies them, recording hashes on first verification', async () => {
    const { services, call } = setup();
    await services.settings.update({ llmFolders: [tiny, join(tiny, 'missing')], activeLlm: tiny });
    const list = await call<{ folders: Array<{ folder: string; present: boolean; quantization: string | null; error: string | null }>; active: string }>('llm.list', {});
    expect(list.ok && list.data.folders.map((f) => [f.present, f.quantization])).toEqual([[true, 'fp32'], [false, null]]);
    const first = await call<{ ok: boolean; matchesRecord: boolean | null; files: Array<{ name: string; sha256: string }> }>('llm.verify', { folder: tiny });
    expect(first.ok && first.data.ok).toBe(true);
    expect(first.ok && first.data.matchesRecord).toBeNull();
    expect(first.ok && first.data.files.find((f) => f.name === 'onnx/model.onnx')?.sha256).toBe(await sha256File(join(tiny, 'onnx', 'model.onnx')));
    const again = await call<{ matchesRecord: boolean | null }>('llm.verify', { folder: tiny });
    expect(again.ok && again.data.matchesRecord).toBe(true);
  });

  it('reports a changed file on later verification', async () => {
    const { call } = setup();
    const copy = await makeQwen3Model(join(tempDir(), 'm'));
    await call('llm.verify', { folder: copy });
    await appendFile(join(copy, 'tokenizer_config.json'), ' ');
    const changed = await call<{ ok: boolean; changedFiles: string[] }>('llm.verify', { folder: copy });
    expect(changed.ok && changed.data).toMatchObject({ ok: false, changedFiles: ['tokenizer_config.json'] });
  });

  it('generates with token events, and cancels a running request by id', async () => {
    const { services, call, events } = setup();
    await services.settings.update({ activeLlm: tiny });
    const done = await call<{ requestId: string; text: string; tokens: number[]; modelId: string; modelContent: string }>('llm.generate', {
      requestId: 'r1',
      prompt: 'AU4 brow lowerer',
      maxNewTokens: 12,
      keepThinking: true,
    });
    if (!done.ok) throw new Error(done.error.message);
    expect(done.data.tokens).toHaveLength(12);
    expect(done.data.modelId).toMatch(/^qwen3:/);
    expect(done.data.modelContent).toMatch(/^[0-9a-f]{16}$/);
    const deltas = events.filter((e) => e.name === 'llm.token').map((e) => (e.payload as { delta: string }).delta);
    expect(deltas.join('')).toBe(done.data.text);

    const running = call<unknown>('llm.generate', { requestId: 'r2', prompt: 'AU4', maxNewTokens: 4000 });
    // Cancel once the request is demonstrably producing tokens.
    while (!events.some((e) => e.name === 'llm.token' && (e.payload as { requestId: string }).requestId === 'r2')) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancel = await call<{ cancelled: boolean }>('llm.cancel', { requestId: 'r2' });
    expect(cancel.ok && cancel.data.cancelled).toBe(true);
    const result = await running;
    expect(!result.ok && result.error.code).toBe('CANCELLED');
    await services.llm.dispose();
  });

  it("takes a request's cap and thinking from Settings when it names none: 2048 and the template's default unless changed", async () => {
    const { services, call } = setup();
    expect(await services.settings.get()).toMatchObject({ llmMaxNewTokens: 2048, llmThinking: null });
    await services.settings.update({ activeLlm: tiny, llmMaxNewTokens: 5 });
    type Answer = { tokens: number[]; finishReason: string; timings: { promptTokens: number } };
    const byDefault = await call<Answer>('llm.generate', { prompt: 'AU4 brow lowerer' });
    if (!byDefault.ok) throw new Error(byDefault.error.message);
    expect(byDefault.data).toMatchObject({ finishReason: 'length', tokens: expect.any(Array) });
    expect(byDefault.data.tokens).toHaveLength(5);
    // Thinking off adds the empty <think>\n\n</think>\n\n (4 tokens) to the prompt; the template's default does not.
    const off = await call<Answer>('llm.generate', { prompt: 'AU4 brow lowerer', thinking: false, maxNewTokens: 1 });
    expect(off.ok && off.data.timings.promptTokens).toBe(byDefault.data.timings.promptTokens + 4);
    await services.settings.update({ llmThinking: false });
    const settingOff = await call<Answer>('llm.generate', { prompt: 'AU4 brow lowerer', maxNewTokens: 1 });
    expect(settingOff.ok && settingOff.data.timings.promptTokens).toBe(byDefault.data.timings.promptTokens + 4);
    const templates = await call<Answer>('llm.generate', { prompt: 'AU4 brow lowerer', maxNewTokens: 1, thinking: null });
    expect(templates.ok && templates.data.timings.promptTokens).toBe(byDefault.data.timings.promptTokens);
    const tooMany = await call('llm.generate', { prompt: 'AU4', maxNewTokens: 32769 });
    expect(!tooMany.ok && tooMany.error.code).toBe('INVALID_INPUT');
    await services.llm.dispose();
  });

  it('runs concurrent requests one after the other with identical greedy results', async () => {
    const { services, call } = setup();
    const both = await Promise.all(
      ['a', 'b'].map((id) => call<{ tokens: number[] }>('llm.generate', { requestId: id, folder: tiny, prompt: 'AU12', maxNewTokens: 8 })),
    );
    const [a, b] = both.map((r) => (r.ok ? r.data.tokens : null));
    expect(a).toHaveLength(8);
    expect(b).toEqual(a);
    await services.llm.dispose();
  });

  it('rejects a generate request without a configured model or without a prompt', async () => {
    const { call } = setup();
    const none = await call('llm.generate', { prompt: 'x' });
    expect(!none.ok && none.error.code).toBe('MODEL_MISSING');
    const bad = await call('llm.generate', { folder: tiny });
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
  });

  it('downloads a model folder from a loopback server, resuming a partial file and checking sha256', async () => {
    const { call, events } = setup();
    const target = join(tempDir(), 'downloaded');
    const model = await readFile(join(tiny, 'onnx', 'model.onnx'));
    // An interrupted earlier attempt left the first 1000 bytes of the weights.
    await mkdir(join(target, 'onnx'), { recursive: true });
    await writeFile(join(target, 'onnx', 'model.onnx.part'), model.subarray(0, 1000));
    requests.length = 0;
    const files = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
    const result = await call<{ files: string[] }>('llm.download', {
      url: `${origin}/model`,
      folder: target,
      files,
      sha256: { 'onnx/model.onnx': await sha256File(join(tiny, 'onnx', 'model.onnx')) },
    });
    if (!result.ok) throw new Error(result.error.message);
    // Compared by hash: a deep toEqual of two 39 MB buffers walks every byte as a property.
    expect(await sha256File(join(target, 'onnx', 'model.onnx'))).toBe(await sha256File(join(tiny, 'onnx', 'model.onnx')));
    expect(requests.find((r) => r.url.endsWith('model.onnx'))?.headers.range).toBe('bytes=1000-');
    const progress = events.filter((e) => e.name === 'llm.download.progress').map((e) => e.payload as { file: string; received: number; total: number });
    expect(progress.at(-1)).toMatchObject({ file: 'onnx/model.onnx', received: model.length, total: model.length });
    const verified = await call<{ ok: boolean }>('llm.verify', { folder: target });
    expect(verified.ok && verified.data.ok).toBe(true);

    const wrong = await call('llm.download', { url: `${origin}/model`, folder: join(tempDir(), 'x'), files: ['config.json'], sha256: { 'config.json': '0'.repeat(64) } });
    expect(!wrong.ok && wrong.error.message).toMatch(/sha256/);
    const escape = await call('llm.download', { url: `${origin}/model`, folder: join(tempDir(), 'x'), files: ['../../etc/passwd'] });
    expect(!escape.ok && escape.error.code).toBe('INVALID_INPUT');
  });
});

describe('mellm describe / mellm llm', () => {
  it('makes a tiny model with the built-in tokenizer (no dev dependency) and describes an analysis JSON with it', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const folder = join(tempDir(), 'cli-tiny');
    expect(await runCli(['llm', 'make-tiny', folder, '--json'], io)).toBe(0);
    const analysis = join(tempDir(), 'analysis.json');
    await writeFile(analysis, JSON.stringify({ prompt: 'AU12 lip corner puller at apex frame 9' }));
    out.length = 0;
    expect(await runCli(['describe', analysis, '--llm', folder, '--json', '--max-new-tokens', '6', '--no-thinking'], io)).toBe(0);
    const parsed = JSON.parse(out.join('\n')) as { tokens: number; modelId: string; source: string };
    expect(parsed).toMatchObject({ tokens: 6, source: 'llm', thinking: null });
    for (const bad of ['0', '32769', '1e3']) {
      expect(await runCli(['describe', analysis, '--llm', folder, '--max-new-tokens', bad], io)).toBe(2);
      expect(out.at(-1)).toMatch(/--max-new-tokens must be a whole number from 1 to 32768/);
    }
    await writeFile(analysis, JSON.stringify({ frames: [] }));
    expect(await runCli(['describe', analysis, '--llm', folder], io)).toBe(2);
    expect(out.at(-1)).toMatch(/no "prompt"/);
  });
});
