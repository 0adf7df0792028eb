import { z } from 'zod';
import type { RoiFeature } from './export/records';

/**
 * What a stored analysis says about an event, read leniently: the analysis result's
 * shape belongs to the pipeline and may grow, so only the fields review and export show
 * are picked, each dropped when absent or malformed.
 */
const RoiFeatureSchema = z.object({ region: z.string(), meanMagnitude: z.number(), maxMagnitude: z.number(), direction: z.string() });
const text = z.string().nullable().optional().catch(null);
const ResultSchema = z.object({
  aus: text,
  emotion: text,
  label3: z.enum(['positive', 'negative', 'surprise']).nullable().optional().catch(null),
  description: text,
  prompt: text,
  roiFeatures: z.array(RoiFeatureSchema).nullable().optional().catch(null),
});

export interface ModelLabels {
  aus: string | null;
  emotion: string | null;
  label3: 'positive' | 'negative' | 'surprise' | null;
  description: string | null;
  prompt: string | null;
  roiFeatures: RoiFeature[] | null;
}

export function modelLabels(result: unknown): ModelLabels | null {
  const parsed = ResultSchema.safeParse(result);
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    aus: r.aus ?? null,
    emotion: r.emotion ?? null,
    label3: r.label3 ?? null,
    description: r.description ?? null,
    prompt: r.prompt ?? null,
    roiFeatures: r.roiFeatures ?? null,
  };
}
