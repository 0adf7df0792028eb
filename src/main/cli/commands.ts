import type { CliCommand } from './command';
import { describeCommand } from './describe';
import { doctorCommand } from './doctor';
import { llmCommand } from './llm';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  describeCommand,
  llmCommand,
];
