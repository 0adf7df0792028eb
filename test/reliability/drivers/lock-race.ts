/**
 * Stale-lock race driver: takes the workspace lock when told, so several of these can
 * try at the same moment. Lines on stdin:
 *  `GO <round> <at>`  at wall time `at` (ms, so that all start together) try to take the
 *                lock: prints `HELD <round>`, or `REFUSED <round> <code>`
 *  `END <round>` release it if held: prints `FREE <round>`
 * When stdin closes it prints `RSS <peak resident KiB>` and exits.
 * argv: <workspace>
 */
import { acquireWorkspaceLock, type WorkspaceLock } from '../../../src/main/store/sqlite/lock';
import { AppError } from '../../../src/shared/errors';

const [workspace] = process.argv.slice(2);
if (!workspace) throw new Error('usage: lock-race.ts <workspace>');
let held: WorkspaceLock | null = null;
let buffered = '';
process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
  const parts = (buffered + chunk).split('\n');
  buffered = parts.pop() ?? '';
  for (const line of parts) {
    const [verb, round, at] = line.split(' ');
    if (verb === 'GO') {
      while (performance.timeOrigin + performance.now() < Number(at)) {
        // spin: a timer would scatter the start by a millisecond or more
      }
      try {
        held = acquireWorkspaceLock(workspace);
        process.stdout.write(`HELD ${round}\n`);
      } catch (error) {
        process.stdout.write(`REFUSED ${round} ${error instanceof AppError ? error.code : `UNTYPED ${String(error)}`}\n`);
      }
    } else if (verb === 'END') {
      held?.release();
      held = null;
      process.stdout.write(`FREE ${round}\n`);
    }
  }
});
process.stdin.on('end', () => {
  process.stdout.write(`RSS ${process.resourceUsage().maxRSS}\n`);
  process.exit(0);
});
process.stdout.write('READY\n');
