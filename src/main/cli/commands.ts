import type { CliCommand } from './command';
import { describeCommand } from './describe';
import { doctorCommand } from './doctor';
import { importCommand } from './import';
import { workspaceCommand } from './workspace';
import { framesCommand, probeCommand } from './media';
import { modelsCommand } from './models';
import { faceCommand } from './face';
import { flowCommand } from './flow';
import { llmCommand } from './llm';

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
  describeCommand,
  llmCommand,
];
