import type { CliCommand } from './command';
import { doctorCommand } from './doctor';
import { flowCommand } from './flow';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [doctorCommand, flowCommand];
