import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeTinyModel } from '../../../src/main/inference/llm/tiny';
import { QWEN3_CHAT_TEMPLATE } from '../../../src/main/inference/llm/qwen3-template';
import { renderChatTemplate, type ChatTemplateJob } from '../../../src/main/inference/llm/template';
import { ModelSandbox } from '../../../src/main/jobs/sandbox';
import { time, type BenchRow } from '../../harness';

const root = join(import.meta.dirname, '..', '..', '..');
/** The reliability test's driver: one API call in a process of its own, `RESULT {ms, rssMb, …}` on stdout. */
const DRIVER = join(root, 'test', 'reliability', 'drivers', 'model-folders.ts');
const GNU_TIME = '/usr/bin/time';

/** The hostile templates of issue 17, item 4. */
const HOSTILE: Record<string, string> = {
  'range(1000000000)': '{% for i in range(1000000000) %}x{% endfor %}',
  'nested loops (10^10 iterations)': '{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}',
  'string doubling (8 M characters)': "{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(19) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
};

interface Run {
  /** From the request to its answer, as the app sees it (the sandbox's start included). */
  readonly answerMs: number;
  /** The whole process, start to exit. */
  readonly processMs: number;
  /** Peak resident memory of the process tree (the app and its sandbox), or of the app alone without GNU time. */
  readonly peakRssMB: number;
  readonly code: string;
}

/** One `llm.generate` on `folder` in a driver process, under GNU time when it is installed. */
function generateOnce(folder: string, home: string): Promise<Run> {
  const input = JSON.stringify({ folder, prompt: 'Describe AU12.', maxNewTokens: 4 });
  const node = [process.execPath, '--import', 'tsx', DRIVER, home, 'api', 'llm.generate', input];
  const timed = existsSync(GNU_TIME);
  const [command, args] = timed ? [GNU_TIME, ['-f', 'MELLM_TIME %e %M', ...node]] : [node[0] as string, node.slice(1)];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`the driver printed no result: ${err.slice(-500)}`));
      const result = JSON.parse(line.slice('RESULT '.length)) as { ms: number; rssMb: number; ok: boolean; code?: string };
      const gnu = /MELLM_TIME ([\d.]+) (\d+)/.exec(err);
      resolve({
        answerMs: result.ms,
        processMs: gnu ? Number(gnu[1]) * 1000 : performance.now() - started,
        peakRssMB: gnu ? Math.round(Number(gnu[2]) / 1024) : result.rssMb,
        code: result.ok ? 'accepted' : (result.code ?? 'unknown'),
      });
    });
  });
}

/**
 * Issue 17, item 4: hostile chat templates refused. Each run is `llm.generate` on a tiny
 * model folder carrying the template, in a process of its own through the API, as the app
 * would run it: the answer's time (sandbox start included), the process's time and the
 * peak memory of the process tree (goal: ≤ 5 s, ≤ 500 MB). Then what the sandbox costs a
 * well-formed template: Qwen3's, rendered in the sandbox (warm) and in this process.
 */
export async function modelsReliabilityRows(log: (m: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-models-'));
  try {
    if (!existsSync(GNU_TIME)) log(`${GNU_TIME} is missing: peak memory is the app process's alone, not its sandbox's`);
    for (const [name, template] of Object.entries(HOSTILE)) {
      const folder = await makeTinyModel(join(dir, `llm-${rows.length}`));
      const config = join(folder, 'tokenizer_config.json');
      writeFileSync(config, JSON.stringify({ ...(JSON.parse(readFileSync(config, 'utf8')) as object), chat_template: template }));
      const runs: Run[] = [];
      for (let i = 0; i < 3; i += 1) runs.push(await generateOnce(folder, join(dir, `home-${rows.length}-${i}`)));
      const codes = [...new Set(runs.map((r) => r.code))].join(',');
      log(`${name}: ${codes}, answered in ${runs.map((r) => Math.round(r.answerMs)).join('/')} ms, peak ${Math.max(...runs.map((r) => r.peakRssMB))} MB`);
      rows.push({
        case: `hostile chat template: ${name}`,
        method: 'llm.generate → refused (sandbox: 2 s, 128 MB heap, 384 MB RLIMIT_DATA)',
        samples: runs.map((r) => r.answerMs),
        metrics: {
          code: codes,
          processMsMax: Math.round(Math.max(...runs.map((r) => r.processMs))),
          peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
        },
      });
    }

    const job: ChatTemplateJob = {
      template: QWEN3_CHAT_TEMPLATE,
      context: {
        messages: [{ role: 'user', content: 'The subject shows AU4 and AU7 from onset frame 12 to apex frame 19. Describe the movement.' }],
        add_generation_prompt: true,
        enable_thinking: false,
        bos_token: '',
        eos_token: '<|im_end|>',
      },
      origin: 'bench',
    };
    const sandbox = new ModelSandbox();
    try {
      rows.push({ case: 'Qwen3 chat template, one user message', method: 'rendered in the sandbox (warm)', samples: await time(() => sandbox.render(job), 50, 3) });
    } finally {
      await sandbox.close();
    }
    rows.push({ case: 'Qwen3 chat template, one user message', method: 'rendered in this process', samples: await time(() => renderChatTemplate(job), 50, 3) });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
