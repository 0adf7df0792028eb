import { afterAll, beforeAll } from 'vitest';
import type { PipelineModels } from '../../src/main/analysis/pipeline/pipeline';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import { defaultModelsDir } from '../../src/main/paths';
import type { SynthFace } from '../../src/main/analysis/synth/photo';
import { sampleFace } from './synth-clip';

/**
 * The real face and flow models for pipeline tests, loaded once per suite (or describe
 * block) and released after it, with a sample face to synthesise clips from.
 */
export function usePipelineModels(): () => { readonly models: PipelineModels; readonly subject: SynthFace } {
  const face = new FaceService(defaultModelsDir());
  const flow = new FlowService(defaultModelsDir());
  let loaded: { models: PipelineModels; subject: SynthFace } | null = null;
  beforeAll(async () => {
    const models = { face: await face.models(), flow };
    loaded = { models, subject: await sampleFace(models.face) };
  }, 120_000);
  afterAll(async () => {
    await Promise.all([face.dispose(), flow.dispose()]);
  });
  return () => {
    if (!loaded) throw new Error('usePipelineModels: read before the suite loaded its models');
    return loaded;
  };
}
