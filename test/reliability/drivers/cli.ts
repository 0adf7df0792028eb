/**
 * Runs one `mellm` command in its own process and prints `RESULT <json>` with its exit
 * code and output, so a test can time it out or kill it without losing the test process.
 * argv: the mellm arguments.
 */
import { runCli } from '../../../src/main/cli/main';

const out: string[] = [];
const err: string[] = [];
const code = await runCli(process.argv.slice(2), { out: (text) => out.push(text), err: (text) => err.push(text) });
process.stdout.write(`RESULT ${JSON.stringify({ code, out: out.join('\n'), err: err.join('\n') })}\n`);
process.exit(0);
