import { z } from 'zod';
import { isLlmModelVersion } from '../llm-identity';
import { channel } from './channel';

export const FLOW_PRESETS = ['fast', 'balanced', 'accurate'] as const;
export const FlowPresetSchema = z.enum(FLOW_PRESETS);
export type FlowPresetName = z.infer<typeof FlowPresetSchema>;

/**
 * The flow an analysis runs with (Settings → Analysis, `mellm analyze --flow-model`):
 * the generated variational presets, or a learned model folder holding flow.json for the
 * onset → apex flow. The spotting scan and the apex search run on every frame, so they
 * keep a generated preset either way.
 */
export const AnalysisFlowSchema = z
  .object({
    /** An absolute folder with flow.json (a learned model), or null for the generated presets. */
    model: z.string().min(1).max(4096).nullable(),
    /** The onset → apex flow's preset when `model` is null. */
    expression: FlowPresetSchema,
    /**
     * The spotting scan's and apex search's choice: fast runs the pipeline's own scan flow
     * (the parameters the spotting was validated with, whatever the fast preset is),
     * balanced and accurate their presets.
     */
    spotting: FlowPresetSchema,
  })
  .strict();
export type AnalysisFlow = z.infer<typeof AnalysisFlowSchema>;
export const DEFAULT_ANALYSIS_FLOW: AnalysisFlow = { model: null, expression: 'balanced', spotting: 'fast' };

/** The face models of an analysis' `models` list; the describer and spotting entries carry a prefix. */
const NOT_THE_FLOW = /^(blazeface|facemesh|describer:|spotting:)/;

/**
 * The onset → apex flow model an analysis recorded in its `models` list (the pipeline
 * lists face models, that flow, the spotting preset, the describer, an LLM): a generated
 * preset (`flow-variational:balanced`) or a learned model's id; null when none is listed.
 */
export function analysisFlowModel(models: ReadonlyArray<{ readonly id: string; readonly version: string }>): string | null {
  return models.find((model) => !isLlmModelVersion(model.version) && !NOT_THE_FLOW.test(model.id))?.id ?? null;
}

export const FlowComputeInputSchema = z.object({
  frame1Path: z.string().min(1),
  frame2Path: z.string().min(1),
  /** flow-variational (default), a manifest flow model id, or an absolute folder with flow.json. */
  model: z.string().min(1).optional(),
  preset: FlowPresetSchema.optional(),
  /** Where to write the dense flow as Middlebury .flo (nothing is written without it). */
  outPath: z.string().min(1).optional(),
});

export const FlowComputeOutputSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  model: z.string(),
  ms: z.number(),
  meanMagnitude: z.number(),
  maxMagnitude: z.number(),
  outPath: z.string().nullable(),
});
export type FlowComputeOutput = z.infer<typeof FlowComputeOutputSchema>;

export const flowChannels = {
  'flow.compute': channel(FlowComputeInputSchema, FlowComputeOutputSchema),
} as const;
