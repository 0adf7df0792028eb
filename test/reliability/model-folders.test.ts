import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { makeTinyModel } from '../../src/main/inference/llm/tiny';
import { prlimitPath } from '../../src/main/jobs/pool';
import { SAMPLES } from '../helpers/faces';
import { runCommand } from './support/driver';

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
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mellm-model-folders-'));
  tiny = await makeTinyModel(join(root, 'tiny'));
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
function refused(run: CaseRun, code: string, text: RegExp): void {
  const result = survived(run);
  expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({ ok: false, code });
  expect(result.message).toMatch(text);
  expect(result.ms).toBeLessThan(QUICK_MS);
}

/** A copy of the tiny test LLM whose tokenizer_config.json carries `template`. */
async function llmWithTemplate(template: string): Promise<string> {
  const folder = await makeTinyModel(fresh('llm'));
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
    const before = rowsBesideClaims(workspace);

    const folder = await llmWithTemplate(HOSTILE_TEMPLATES.range as string);
    const result = survived(await runCase(['cli', 'analyze', '--workspace', workspace, '--all', '--llm', folder, '--json']));
    expect(result.exit, String(result.err)).toBe(1);
    const summary = JSON.parse(String(result.out)) as { queued: number; failed: Array<{ error: string }> };
    expect(summary.queued).toBe(1);
    // The template's fault, said once: not a process crash retried.
    expect(summary.failed[0]?.error).toMatch(/chat template/);
    expect(summary.failed[0]?.error).not.toMatch(/attempts/);
    expect(rowsBesideClaims(workspace)).toEqual(before);
  }, 180_000);
});

/**
 * The workspace's rows, hashed as fingerprintFile() does, without job_claims: a failed job
 * records its failure there (so a later run knows), and nothing else may change.
 */
function rowsBesideClaims(path: string): { counts: Record<string, number>; hash: string } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'job_claims' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const hash = createHash('sha256');
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
      counts[table] = rows.length;
      hash.update(table).update(JSON.stringify(rows));
    }
    return { counts, hash: hash.digest('hex') };
  } finally {
    db.close();
  }
}
