import type { Services } from '../api/context';
import { packageVersion } from '../paths';
import { createServices, disposeServices } from '../app/services';
import { AppError } from '@shared/errors';
import type { CliIO } from './command';
import { COMMANDS } from './commands';
import { OptionError, optionsHelp } from './options';
import { fromSystemError } from '../util/system-errors';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'mellm: the MELLM workstation, headless',
    '',
    'Usage: mellm <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help, -h     show this help (or `mellm <command> --help`)',
    '  --version, -v  print the version',
  ].join('\n');
}

/** Runs the CLI with the given arguments; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(help());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(packageVersion());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`Unknown command: ${first}\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${command.usage}\n\n${command.summary}\n\nOptions:\n${optionsHelp(command.options)}`);
    return 0;
  }
  let services: Services | undefined;
  try {
    return await command.run(rest, io, () => (services ??= createServices()));
  } catch (error) {
    const appError = error instanceof OptionError ? new AppError('INVALID_INPUT', `${error.message}\nUsage: ${command.usage}`) : AppError.from(fromSystemError(error));
    io.err(`mellm ${command.name}: ${appError.message}`);
    return appError.code === 'INVALID_INPUT' ? 2 : 1;
  } finally {
    // Release the workspace lock, model sessions and decoders the command used.
    if (services) await disposeServices(services);
  }
}
