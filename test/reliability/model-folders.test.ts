import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { externalDataLocations } from '../../src/main/inference/onnx/external-data';
import { GraphBuilder } from '../../src/main/inference/onnx/graph';
import { prlimitPath } from '../../src/main/jobs/script';
import { SAMPLES } from '../helpers/faces';
import { runCommand } from './support/driver';
import { fingerprintFile } from './support/workspace';
import { useQwen3TinyModels } from '../helpers/qwen3';

const makeQwen3Model = useQwen3TinyModels();

// Model folders come from anywhere (a download, a colleague, a shared drive): whatever
// their files hold, the app refuses them with a typed error, quickly, and lives on. Each
// case runs in a driver process of its own (drivers/model-folders.ts) through the real
// entry points, so a crash or a hang of the process is seen as exactly that.

const DRIVER = join(import.meta.dirname, 'drivers', 'model-folders.ts');
/** A case still running after this long has hung. */
const HANG_MS = 60_000;
/** A refusal takes at most this long, process start and model folder checks included. */
const QUICK_MS = 20_000;
/** The driver's committed memory (soft limit), so a runaway case cannot take the machine. */
const DRIVER_MEMORY = 4 * 1024 ** 3;

let root: string;
let tiny: string;
let frames: [string, string];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mellm-model-folders-'));
  tiny = await makeQwen3Model(join(root, 'tiny'));
  frames = [await png(join(root, 'a.png'), 1), await png(join(root, 'b.png'), 2)];
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const fresh = (name: string) => join(root, `${name}-${++counter}`);

interface CaseRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly hung: boolean;
  readonly result: Record<string, unknown> | null;
  readonly stderr: string;
}

/** Runs one case in a driver process: `api <channel> <input>` or `cli <args…>`. */
async function runCase(args: readonly string[]): Promise<CaseRun> {
  const node = [process.execPath, '--import', 'tsx', DRIVER, fresh('home'), ...args];
  const prlimit = prlimitPath();
  const run = prlimit ? runCommand(prlimit, [`--data=${DRIVER_MEMORY}:unlimited`, '--', ...node]) : runCommand(node[0] as string, node.slice(1));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    run.child.kill('SIGKILL');
  }, HANG_MS);
  const { code, signal } = await run.exited;
  clearTimeout(timer);
  const line = run.lines.find((l) => l.startsWith('RESULT '));
  return { code, signal, hung, result: line ? (JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>) : null, stderr: run.stderr().slice(-2000) };
}

/** The process lived, finished on its own, and said something. */
function survived(run: CaseRun): Record<string, unknown> {
  expect(run.hung, 'the case hung').toBe(false);
  expect({ code: run.code, signal: run.signal }, `the process died: ${run.stderr}`).toEqual({ code: 0, signal: null });
  expect(run.result).not.toBeNull();
  return run.result as Record<string, unknown>;
}

/** The API answered `code` within QUICK_MS, the message matching `text`. */
function refused(run: CaseRun, code: string, text: RegExp): Record<string, unknown> {
  const result = survived(run);
  expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({ ok: false, code });
  expect(result.message).toMatch(text);
  expect(result.ms).toBeLessThan(QUICK_MS);
  return result;
}

/** A copy of the tiny test LLM whose tokenizer_config.json carries `template`. */
async function llmWithTemplate(template: string): Promise<string> {
  const folder = await makeQwen3Model(fresh('llm'));
  const config = join(folder, 'tokenizer_config.json');
  const tokenizer = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
  writeFileSync(config, JSON.stringify({ ...tokenizer, chat_template: template }));
  return folder;
}

const generate = (folder: string) => runCase(['api', 'llm.generate', JSON.stringify({ folder, prompt: 'AU12 lip corner puller', maxNewTokens: 4 })]);

/** Chat templates a model repository could ship: each would stop or exhaust the process that renders it. */
const HOSTILE_TEMPLATES: Record<string, string> = {
  // A billion-element range: a V8 fatal error ("invalid size" / heap out of memory) aborts the process.
  range: '{% for i in range(1000000000) %}x{% endfor %}',
  // Ten billion iterations, the output growing all the while: minutes of CPU and gigabytes.
  nested: '{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}',
  // Doubling a string: 8 M characters in a few steps, far beyond any prompt, fed to the model.
  doubling: "{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(19) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
};

describe('item 4: a model folder\'s chat template cannot take the process down', () => {
  it('a well-formed template still renders: llm.generate answers with tokens', async () => {
    const result = survived(await generate(tiny));
    expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({ ok: true, data: { tokens: expect.any(Array) } });
    expect((result.data as { tokens: number[] }).tokens).toHaveLength(4);
  }, 90_000);

  it.each(Object.keys(HOSTILE_TEMPLATES))('llm.generate refuses the %s template as MODEL_INVALID within seconds, the process alive', async (name) => {
    const folder = await llmWithTemplate(HOSTILE_TEMPLATES[name] as string);
    refused(await generate(folder), 'MODEL_INVALID', /chat template/);
  }, 90_000);

  it('llm.verify reports a hostile template as MODEL_INVALID', async () => {
    const folder = await llmWithTemplate(HOSTILE_TEMPLATES.range as string);
    const result = survived(await runCase(['api', 'llm.verify', JSON.stringify({ folder })]));
    expect(result).toMatchObject({ ok: true, data: { ok: false, error: { code: 'MODEL_INVALID' } } });
    expect((result.data as { error: { message: string } }).error.message).toMatch(/chat template/);
  }, 90_000);

  it('mellm describe refuses a hostile template with a readable message and exit code 1', async () => {
    const folder = await llmWithTemplate(HOSTILE_TEMPLATES.nested as string);
    const prompt = `${fresh('prompt')}.txt`;
    writeFileSync(prompt, 'Describe AU12.');
    const result = survived(await runCase(['cli', 'describe', prompt, '--llm', folder]));
    expect(result.exit).toBe(1);
    expect(result.err).toMatch(/^mellm describe: .*chat template/);
    expect(result.ms).toBeLessThan(QUICK_MS);
  }, 90_000);

  it('mellm analyze --all fails each job with the template named, at once; the workspace keeps every analysis', async () => {
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const exit = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { exit, out: out.join('\n'), err: err.join('\n') };
    };
    const clipDir = fresh('clip');
    expect((await cli('synth', '--out', clipDir, '--photo', join(SAMPLES, 'sample2.jpg'), '--aus', '1D+2D', '--frames', '30', '--size', '256x192')).exit).toBe(0);
    const truth = JSON.parse(readFileSync(join(clipDir, 'truth.json'), 'utf8')) as { onset: number; apex: number };
    const workspace = join(clipDir, 'w.mellm');
    expect((await cli('workspace', 'create', workspace)).exit).toBe(0);
    const seeded = await cli('analyze', join(clipDir, 'clip.mp4'), '--onset', String(truth.onset), '--apex', String(truth.apex), '--workspace', workspace, '--json');
    expect(seeded.exit, seeded.err).toBe(0);
    const before = fingerprintFile(workspace, { except: ['job_claims'] });

    const folder = await llmWithTemplate(HOSTILE_TEMPLATES.range as string);
    const result = survived(await runCase(['cli', 'analyze', '--workspace', workspace, '--all', '--llm', folder, '--json']));
    expect(result.exit, String(result.err)).toBe(1);
    const summary = JSON.parse(String(result.out)) as { queued: number; failed: Array<{ error: string }> };
    expect(summary.queued).toBe(1);
    // The template's fault, said once: not a process crash retried.
    expect(summary.failed[0]?.error).toMatch(/chat template/);
    expect(summary.failed[0]?.error).not.toMatch(/attempts/);
    expect(fingerprintFile(workspace, { except: ['job_claims'] })).toEqual(before);
  }, 180_000);
});

/** A 32×24 RGB frame as PNG. */
async function png(path: string, seed: number): Promise<string> {
  const data = Buffer.alloc(32 * 24 * 3);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 7919 + seed * 104_729) % 251;
  await sharp(data, { raw: { width: 32, height: 24, channels: 3 } }).png().toFile(path);
  return path;
}

/** A flow-shaped network: flow = (image1's red, image2's green), any H×W. */
function flowModel(): Uint8Array {
  const g = new GraphBuilder('probe_flow');
  const a = g.input('image1', 'float32', [1, 3, 'H', 'W']);
  const b = g.input('image2', 'float32', [1, 3, 'H', 'W']);
  const index = (name: string, value: number) => g.constant(name, { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(value)) });
  const channel = (x: string, c: number) => g.op1('Slice', [x, index('start', c), index('end', c + 1), index('axis', 1)]);
  g.op('Concat', [channel(a, 0), channel(b, 1)], { axis: 1 }, ['flow']);
  g.output('flow', 'float32', [1, 2, 'H', 'W']);
  return g.toBytes();
}

/**
 * A flow network with one weight in external data at `location` (4 bytes at offset 0):
 * loaded from bytes, ONNX Runtime looks for it relative to the working directory.
 */
function flowModelWithExternalWeight(location: string): Uint8Array {
  const { onnx } = onnxProto;
  const g = new GraphBuilder('external_flow');
  const a = g.input('image1', 'float32', [1, 3, 'H', 'W']);
  const b = g.input('image2', 'float32', [1, 3, 'H', 'W']);
  const index = (name: string, value: number) => g.constant(name, { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(value)) });
  const channel = (x: string, c: number) => g.op1('Slice', [x, index('start', c), index('end', c + 1), index('axis', 1)]);
  const weight = g.constant('w', { type: 'float32', dims: [1], data: Float32Array.of(0) });
  g.op('Concat', [g.op1('Add', [channel(a, 0), weight]), channel(b, 1)], { axis: 1 }, ['flow']);
  g.output('flow', 'float32', [1, 2, 'H', 'W']);
  const model = onnx.ModelProto.decode(g.toBytes());
  const tensor = model.graph?.initializer?.find((t) => t.name === weight);
  if (!tensor) throw new Error('no weight');
  tensor.rawData = new Uint8Array(0);
  tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.externalData = [
    onnx.StringStringEntryProto.create({ key: 'location', value: location }),
    onnx.StringStringEntryProto.create({ key: 'offset', value: '0' }),
    onnx.StringStringEntryProto.create({ key: 'length', value: '4' }),
  ];
  return onnx.ModelProto.encode(model).finish();
}

/** A learned-flow folder, two levels down a fresh folder: model.onnx (unless `model` is false) and flow.json with `contract` on top. */
function flowFolder(contract: Record<string, unknown> = {}, model = true): string {
  const dir = join(fresh('flow'), 'models', 'probe');
  mkdirSync(dir, { recursive: true });
  if (model) writeFileSync(join(dir, 'model.onnx'), flowModel());
  writeFileSync(join(dir, 'flow.json'), JSON.stringify({ id: 'probe', inputs: ['image1', 'image2'], ...contract }));
  return dir;
}

const computeFlow = (folder: string) => runCase(['api', 'flow.compute', JSON.stringify({ frame1Path: frames[0], frame2Path: frames[1], model: folder })]);
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

/** Moves the tiny LLM's largest weight into onnx/model.onnx_data (ONNX external data); returns that file. */
function withExternalData(folder: string): string {
  const { onnx } = onnxProto;
  const path = join(folder, 'onnx', 'model.onnx');
  const model = onnx.ModelProto.decode(readFileSync(path));
  const weights = model.graph?.initializer ?? [];
  const largest = weights.reduce((a, b) => ((b.rawData?.length ?? 0) > (a.rawData?.length ?? 0) ? b : a));
  const data = join(folder, 'onnx', 'model.onnx_data');
  writeFileSync(data, largest.rawData as Uint8Array);
  largest.externalData = [
    onnx.StringStringEntryProto.create({ key: 'location', value: 'model.onnx_data' }),
    onnx.StringStringEntryProto.create({ key: 'offset', value: '0' }),
    onnx.StringStringEntryProto.create({ key: 'length', value: String(largest.rawData?.length ?? 0) }),
  ];
  largest.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  largest.rawData = new Uint8Array(0);
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return data;
}

/** Replaces `path` with a symlink to `target`. */
function pointAt(path: string, target: string): void {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
}

/** Peak memory of a refusal: the driver's baseline (tsx, the services, ONNX Runtime) plus next to nothing. */
const REFUSAL_RSS_MB = 500;

describe('item 5: a flow model folder cannot escape its folder or exhaust the process', () => {
  it('a well-formed folder still works: flow.compute answers with the flow', async () => {
    const result = survived(await computeFlow(flowFolder()));
    expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({ ok: true, data: { width: 32, height: 24, model: 'probe' } });
  }, 90_000);

  const cases: Record<string, { folder: () => string; text: RegExp }> = {
    '"model": "/dev/zero"': { folder: () => flowFolder({ model: '/dev/zero' }, false), text: /outside the model folder/ },
    'a FIFO as the model': {
      folder: () => {
        const dir = flowFolder({}, false);
        mkfifo(join(dir, 'model.onnx'));
        return dir;
      },
      text: /not a regular file/,
    },
    '"model": "../../other.onnx"': {
      folder: () => {
        const dir = flowFolder({ model: '../../other.onnx' }, false);
        writeFileSync(join(dir, '..', '..', 'other.onnx'), flowModel());
        return dir;
      },
      text: /outside the model folder/,
    },
    'a model symlinked to a file outside': {
      folder: () => {
        const dir = flowFolder({}, false);
        const outside = `${fresh('elsewhere')}.onnx`;
        writeFileSync(outside, flowModel());
        symlinkSync(outside, join(dir, 'model.onnx'));
        return dir;
      },
      text: /outside the model folder/,
    },
    'a FIFO as flow.json': {
      folder: () => {
        const dir = flowFolder();
        rmSync(join(dir, 'flow.json'));
        mkfifo(join(dir, 'flow.json'));
        return dir;
      },
      text: /flow\.json .*not a regular file/,
    },
    'flow.json symlinked to /dev/zero': {
      folder: () => {
        const dir = flowFolder();
        pointAt(join(dir, 'flow.json'), '/dev/zero');
        return dir;
      },
      text: /flow\.json .*outside the model folder/,
    },
    // ONNX Runtime 1.30 refuses this too at optimisation level `all`, in its own words; at
    // `disabled` it reads the 4 bytes from the working directory's package.json.
    'a model whose weights are external data (read from the working directory)': {
      folder: () => {
        const dir = flowFolder({}, false);
        // package.json of the working directory: a file of the app's, not of the folder.
        writeFileSync(join(dir, 'model.onnx'), flowModelWithExternalWeight('package.json'));
        return dir;
      },
      text: /external data/,
    },
    // Refused by the sandbox's session (the message names the file): this process never loads it.
    'a graph ONNX Runtime cannot load (an unknown operator)': {
      folder: () => {
        const dir = flowFolder({}, false);
        const g = new GraphBuilder('unknown_op');
        const a = g.input('image1', 'float32', [1, 3, 'H', 'W']);
        g.input('image2', 'float32', [1, 3, 'H', 'W']);
        g.op('NoSuchOp', [a], {}, ['flow']);
        g.output('flow', 'float32', [1, 2, 'H', 'W']);
        writeFileSync(join(dir, 'model.onnx'), g.toBytes());
        return dir;
      },
      text: /^model\.onnx in .* is not a valid ONNX model: .*NoSuchOp/,
    },
    'a 3 GB (sparse) model': {
      folder: () => {
        const dir = flowFolder();
        truncateSync(join(dir, 'model.onnx'), 3 * 1024 ** 3);
        return dir;
      },
      text: /larger than/,
    },
  };
  it.each(Object.keys(cases))('flow.compute refuses %s with MODEL_INVALID, quickly and in little memory, the process alive', async (name) => {
    const { folder, text } = cases[name] as { folder: () => string; text: RegExp };
    const result = refused(await computeFlow(folder()), 'MODEL_INVALID', text);
    expect(result.rssMb).toBeLessThan(REFUSAL_RSS_MB);
  }, 90_000);
});

describe('item 5: an LLM folder cannot escape its folder or hang the process', () => {
  it('a folder whose weights are external data inside it still loads and generates', async () => {
    const folder = await makeQwen3Model(fresh('llm'));
    withExternalData(folder);
    const result = survived(await generate(folder));
    expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({ ok: true, data: { tokens: expect.any(Array) } });
  }, 90_000);

  const cases: Record<string, { folder: (dir: string) => void; text: RegExp }> = {
    'a FIFO as tokenizer.json': { folder: (dir) => (rmSync(join(dir, 'tokenizer.json')), mkfifo(join(dir, 'tokenizer.json'))), text: /tokenizer\.json .*not a regular file/ },
    'tokenizer.json symlinked to /dev/zero': { folder: (dir) => pointAt(join(dir, 'tokenizer.json'), '/dev/zero'), text: /tokenizer\.json .*outside the model folder/ },
    'config.json symlinked to a copy outside': {
      folder: (dir) => {
        const outside = `${fresh('config')}.json`;
        cpSync(join(dir, 'config.json'), outside);
        pointAt(join(dir, 'config.json'), outside);
      },
      text: /config\.json .*outside the model folder/,
    },
    'onnx/model.onnx symlinked to /dev/zero': { folder: (dir) => pointAt(join(dir, 'onnx', 'model.onnx'), '/dev/zero'), text: /model\.onnx .*outside the model folder/ },
    'the onnx folder symlinked to one outside': {
      folder: (dir) => {
        const outside = fresh('weights');
        cpSync(join(dir, 'onnx'), outside, { recursive: true });
        pointAt(join(dir, 'onnx'), outside);
      },
      text: /outside the model folder/,
    },
    // ONNX Runtime 1.30 refuses these two as well, once it has begun loading, in its own words.
    'external data that is a FIFO': { folder: (dir) => { const data = withExternalData(dir); rmSync(data); mkfifo(data); }, text: /model\.onnx_data .*not a regular file/ },
    'external data symlinked to a copy outside': {
      folder: (dir) => {
        const data = withExternalData(dir);
        const outside = fresh('data');
        cpSync(data, outside);
        pointAt(data, outside);
      },
      text: /model\.onnx_data .*outside the model folder/,
    },
  };
  it.each(Object.keys(cases))('llm.generate refuses %s with MODEL_INVALID, quickly, the process alive', async (name) => {
    const { folder: spoil, text } = cases[name] as { folder: (dir: string) => void; text: RegExp };
    const folder = await makeQwen3Model(fresh('llm'));
    spoil(folder);
    const result = refused(await generate(folder), 'MODEL_INVALID', text);
    expect(result.rssMb).toBeLessThan(REFUSAL_RSS_MB);
  }, 90_000);

  it('llm.verify reports a FIFO in the folder as MODEL_INVALID instead of hashing it forever', async () => {
    const folder = await makeQwen3Model(fresh('llm'));
    rmSync(join(folder, 'tokenizer.json'));
    mkfifo(join(folder, 'tokenizer.json'));
    const result = survived(await runCase(['api', 'llm.verify', JSON.stringify({ folder })]));
    expect(result).toMatchObject({ ok: true, data: { ok: false, error: { code: 'MODEL_INVALID' } } });
    expect((result.data as { error: { message: string } }).error.message).toMatch(/tokenizer\.json .*not a regular file/);
    expect(result.ms).toBeLessThan(QUICK_MS);
  }, 90_000);
});

describe('item 5: the external data an ONNX file names is found wherever it sits', () => {
  it('in the main graph, in a subgraph, or nowhere; a file that is not protobuf is MODEL_INVALID', async () => {
    const folder = await makeQwen3Model(fresh('llm'));
    withExternalData(folder);
    expect(externalDataLocations(readFileSync(join(folder, 'onnx', 'model.onnx')), 'model.onnx')).toEqual(['model.onnx_data']);
    expect(externalDataLocations(flowModel(), 'model.onnx')).toEqual([]);
    expect(externalDataLocations(flowModelWithExternalWeight('../../secret'), 'model.onnx')).toEqual(['../../secret']);

    // The weight inside an If branch: a subgraph of a node attribute.
    const { onnx } = onnxProto;
    const inner = onnx.ModelProto.decode(flowModelWithExternalWeight('branch.bin')).graph;
    const outer = new GraphBuilder('outer');
    const condition = outer.input('c', 'bool', []);
    outer.op('If', [condition], {}, ['flow']);
    const model = onnx.ModelProto.decode(outer.toBytes());
    const node = model.graph?.node?.[0];
    if (!node || !inner) throw new Error('no node');
    node.attribute = [onnx.AttributeProto.create({ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: inner })];
    expect(externalDataLocations(onnx.ModelProto.encode(model).finish(), 'model.onnx')).toEqual(['branch.bin']);

    const garbage = Buffer.from('\u000b\u00ff\u00ff\u00ff garbage that ends mid-field', 'latin1');
    expect(() => externalDataLocations(garbage, 'model.onnx')).toThrow(/model\.onnx is not a valid ONNX model/);
  });
});

