/**
 * One case of the untrusted-model-folder test, run through the app's real entry points
 * (the API handler table, the CLI) in a process of its own: a case that crashes or hangs
 * the process shows as exactly that to the test. Prints one line, `RESULT <json>`.
 *
 *   <userData> api <channel> <json input>     → { ms, rssMb, ok, code, message, data }
 *   <userData> cli <arg>...                    → { ms, rssMb, exit, out, err }
 *
 * `rssMb` is this process's peak resident memory.
 */
import { performance } from 'node:perf_hooks';
import { createHandlerTable, dispatch } from '../../../src/main/api';
import { createServices, disposeServices } from '../../../src/main/app/services';
import { runCli } from '../../../src/main/cli/main';

const [userData, mode, ...rest] = process.argv.slice(2);
if (!userData || (mode !== 'api' && mode !== 'cli')) throw new Error('usage: model-folders <userData> api <channel> <json> | cli <args…>');

const started = performance.now();
let result: Record<string, unknown>;
if (mode === 'api') {
  const [channel, input] = rest;
  const services = createServices({ userDataDir: userData });
  try {
    const answer = await dispatch(createHandlerTable(services), channel as string, JSON.parse(input ?? '{}'), { transport: 'direct' });
    const ms = performance.now() - started;
    result = answer.ok ? { ms, ok: true, data: answer.data } : { ms, ok: false, code: answer.error.code, message: answer.error.message };
  } finally {
    await disposeServices(services);
  }
} else {
  const out: string[] = [];
  const err: string[] = [];
  const exit = await runCli(rest, { out: (t) => out.push(t), err: (t) => err.push(t) });
  result = { ms: performance.now() - started, exit, out: out.join('\n'), err: err.join('\n') };
}
result.rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
