/** `mellm`: the same services as the app, headless. */
import { runCli } from './cli/main';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  write: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
