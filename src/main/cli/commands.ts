import type { CliCommand } from './command';
import { describeCommand } from './describe';
import { doctorCommand } from './doctor';
import { faceCommand } from './face';
import { importCommand } from './import';
import { modelsCommand } from './models';
import { workspaceCommand } from './workspace';
import { llmCommand } from './llm';
import { framesCommand, probeCommand, proxyCommand } from './media';
import { flowCommand } from './flow';
import { agreementCommand } from './agreement';
import { exportCommand } from './export';
import { analyzeCommand } from './analyze';
import { promptCommand } from './prompt';
import { synthCommand } from './synth';
import { evaluateCommand } from './evaluate';
import { mediaRootsCommand } from './media-roots';

/** Every `mellm` subcommand; later stages add theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  modelsCommand,
  workspaceCommand,
  importCommand,
  faceCommand,
  describeCommand,
  llmCommand,
  probeCommand,
  framesCommand,
  flowCommand,
  agreementCommand,
  exportCommand,
  proxyCommand,
  analyzeCommand,
  promptCommand,
  synthCommand,
  evaluateCommand,
  mediaRootsCommand,
];
