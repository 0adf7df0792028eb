import { resolve } from 'node:path';
import { PROMPT_FORMATS } from '@shared/api/analysis';
import { FLOW_PRESETS, FlowPresetSchema, type AnalysisFlow } from '@shared/api/flow';
import { AppError } from '@shared/errors';
import { checkFlowModelFolder } from '../inference/flow/learned';
import { defineOptions, OptionError } from './options';

/** Options shared by several commands. */
export const PROMPT_FORMAT_OPTION = defineOptions({
  'prompt-format': { kind: 'choice', values: PROMPT_FORMATS, help: "how the prompt is written: the MELLM reference's text (mellm) or json" },
});

/** A clip's frames, 0-based. */
export const FRAME_OPTIONS = defineOptions({
  onset: { kind: 'int', value: 'N', min: 0, help: 'onset frame (0-based; give with --apex)' },
  apex: { kind: 'int', value: 'M', min: 0, help: 'apex frame (0-based)' },
  offset: { kind: 'int', value: 'K', min: 0, help: 'offset frame (0-based; default: the apex mirrored)' },
});

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
    throw new OptionError(`--flow-model must be ${FLOW_PRESETS.join(', ')} or a folder holding flow.json: ${reason}`);
  }
  return { ...base, model: folder };
}
