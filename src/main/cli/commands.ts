import type { CliCommand } from './command';
import { doctorCommand } from './doctor';
import { modelsCommand } from './models';
import { faceCommand } from './face';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [doctorCommand, modelsCommand, faceCommand];
