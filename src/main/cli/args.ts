import { PROMPT_FORMATS, PromptFormatSchema, type PromptFormat } from '@shared/api/analysis';
import { FLOW_PRESETS, FlowPresetSchema, type AnalysisFlow } from '@shared/api/flow';
import { AppError } from '@shared/errors';
import { resolve } from 'node:path';
import { checkFlowModelFolder } from '../inference/flow/learned';

/** Option values shared by several commands, each checked with a message that names the option. */

/** A 0-based frame number. */
export function frameArg(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new AppError('INVALID_INPUT', `${name} must be a whole number ≥ 0 (0-based frames), got "${value}"`);
  return n;
}

/** The value of --prompt-format, or undefined when the flag is absent. */
export function promptFormatArg(value: string | undefined): PromptFormat | undefined {
  if (value === undefined) return undefined;
  const parsed = PromptFormatSchema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `--prompt-format must be ${PROMPT_FORMATS.join(' or ')}, got "${value}"`);
  return parsed.data;
}

/**
 * The value of --flow-model on top of the settings' flow: a generated preset name for the
 * onset → apex flow, or a learned model folder with flow.json (checked before anything runs).
 */
export function flowModelArg(value: string | undefined, base: AnalysisFlow): AnalysisFlow {
  if (value === undefined) return base;
  const preset = FlowPresetSchema.safeParse(value);
  if (preset.success) return { ...base, model: null, expression: preset.data };
  const folder = resolve(value);
  try {
    checkFlowModelFolder(folder);
  } catch (error) {
    const reason = error instanceof AppError ? error.message : String(error);
    throw new AppError('INVALID_INPUT', `--flow-model must be ${FLOW_PRESETS.join(', ')} or a folder holding flow.json: ${reason}`);
  }
  return { ...base, model: folder };
}
