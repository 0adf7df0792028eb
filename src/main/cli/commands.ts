import type { CliCommand } from './command';
import { describeCommand } from './describe';
import { doctorCommand } from './doctor';
import { importCommand } from './import';
import { llmCommand } from './llm';
import { workspaceCommand } from './workspace';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  workspaceCommand,
  importCommand,
  describeCommand,
  llmCommand,
];
