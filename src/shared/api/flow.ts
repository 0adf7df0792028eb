import { z } from 'zod';
import { channel } from './channel';

export const FLOW_PRESETS = ['fast', 'balanced', 'accurate'] as const;
export const FlowPresetSchema = z.enum(FLOW_PRESETS);

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
