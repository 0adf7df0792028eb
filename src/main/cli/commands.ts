import type { CliCommand } from './command';
import { doctorCommand } from './doctor';
import { framesCommand, probeCommand } from './media';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  probeCommand,
  framesCommand,
];
