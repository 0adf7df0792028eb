/**
 * Workspace-identity driver, two modes.
 *  hold <workspace> <userData>: opens the workspace through the real handler table and
 *    saves annotation edits, printing `ACK <n>` once each is acknowledged: one at once,
 *    one more after each line on stdin; the third line closes it (`CLOSED`) and exits.
 *    A refused call prints `ERR <code> <message>` and exits 3.
 *  cli <mellm arguments…>: runs the `mellm` command line in this process, printing
 *    `EXIT <code>` (stdout and stderr as `mellm` writes them).
 */
import { createHandlerTable, dispatch } from '../../../src/main/api';
import { createServices } from '../../../src/main/app/services';
import { runCli } from '../../../src/main/cli/main';

const [mode, ...args] = process.argv.slice(2);
const lines: string[] = [];
const waiting: ((line: string) => void)[] = [];
let buffered = '';
process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
  const parts = (buffered + chunk).split('\n');
  buffered = parts.pop() ?? '';
  for (const line of parts) (waiting.shift() ?? ((l: string) => lines.push(l)))(line);
});
const nextLine = () => new Promise<string>((go) => (lines.length ? go(lines.shift()!) : waiting.push(go)));

if (mode === 'hold') {
  const [workspace, userDataDir] = args;
  if (!workspace || !userDataDir) throw new Error('usage: identity.ts hold <workspace> <userData>');
  const table = createHandlerTable(createServices({ userDataDir }));
  const call = async (channel: string, payload: unknown) => {
    const result = await dispatch(table, channel, payload, { transport: 'direct' });
    if (!result.ok) {
      process.stdout.write(`ERR ${result.error.code} ${result.error.message}\n`);
      process.exit(3);
    }
    return result.data;
  };
  await call('settings.update', { annotator: 'holder' });
  await call('workspace.open', { path: workspace });
  await call('annotations.save', { eventId: 1, annotator: 'holder', aus: 'AU12', description: 'ack 1', baseVersion: null });
  process.stdout.write('ACK 1\n');
  await nextLine();
  await call('annotations.save', { eventId: 1, annotator: 'holder', aus: 'AU12', description: 'ack 2', baseVersion: 1 });
  process.stdout.write('ACK 2\n');
  await nextLine();
  await call('workspace.close', {});
  process.stdout.write('CLOSED\n');
  process.exit(0);
} else if (mode === 'cli') {
  const code = await runCli(args, {
    out: (text) => process.stdout.write(`${text}\n`),
    write: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.stdout.write(`EXIT ${code}\n`);
  process.exit(code);
} else {
  throw new Error('usage: identity.ts hold|cli …');
}
