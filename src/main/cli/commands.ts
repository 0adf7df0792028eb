import type { CliCommand } from './command';
import { doctorCommand } from './doctor';
import { importCommand } from './import';
import { workspaceCommand } from './workspace';
import { framesCommand, probeCommand } from './media';
import { modelsCommand } from './models';
import { faceCommand } from './face';
import { flowCommand } from './flow';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  workspaceCommand,
  importCommand,
  probeCommand,
  framesCommand,
  modelsCommand,
  faceCommand,
  flowCommand,
];
