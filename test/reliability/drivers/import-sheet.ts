/**
 * Runs one sheet import the way a user does and prints `RESULT <json>` with how long it
 * took and the process' peak memory, so a test or benchmark can hold a hostile sheet to a
 * time and memory budget without the parent's own heap in the figures.
 * argv: cli <user data> <mellm import arguments…>   (`mellm import …`, exit code and output)
 *       read <sheet>                                (the sheet reader alone: rows and cells)
 */
import { readSheet } from '../../../src/main/corpus/import';
import { runCli } from '../../../src/main/cli/main';

const [mode, ...args] = process.argv.slice(2);
const clip = (text: string) => (text.length > 8000 ? `${text.slice(0, 8000)}…` : text);
const started = performance.now();
let result: Record<string, unknown>;
if (mode === 'cli') {
  const [userData, ...argv] = args as [string, ...string[]];
  process.env.MELLM_HOME = userData;
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runCli(['import', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t) });
  result = { exitCode, out: clip(out.join('\n')), err: clip(err.join('\n')) };
} else if (mode === 'read') {
  try {
    const table = await readSheet(args[0] ?? '');
    result = { rows: table.rows.length, cells: table.rows.reduce((n, r) => n + r.length, 0) };
  } catch (error) {
    result = { error: { name: (error as Error).name, code: (error as { code?: unknown }).code, message: clip((error as Error).message) } };
  }
} else {
  throw new Error('usage: import-sheet.ts cli <user data> <args…> | read <sheet>');
}
const usage = process.resourceUsage();
const figures = { ms: Math.round(performance.now() - started), cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), maxRssMB: Math.round(usage.maxRSS / 1024) };
process.stdout.write(`RESULT ${JSON.stringify({ ...result, ...figures })}\n`);
process.exit(0);
