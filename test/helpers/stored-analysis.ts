import { inferAus } from '../../src/main/analysis/au-rules';
import { describe } from '../../src/main/analysis/describer';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { expressionReport, spottingReport } from '../../src/main/analysis/pipeline/report';
import { buildPrompt, roiReport } from '../../src/main/analysis/prompt';
import { DEFAULT_CLASS_THRESHOLDS } from '../../src/main/analysis/spotting';
import { storedResult, type StoredResult } from '../../src/main/analysis/stored-analysis';
import { featuresFromMotion } from './roi-motion';

/**
 * An analysis row as the pipeline stores it, made by the pipeline's own report and store
 * functions from a flow in which the named regions move by [u, v] pixels (y down). The
 * stored face is a 400 × 480 crop whose landmarks span `faceHeight` pixels, so the
 * features' share of the face height reads back as the analysis computed it.
 */
export function storedAnalysisRow(motion: Readonly<Record<string, readonly [number, number]>>, frames = { onset: 10, apex: 20, offset: 40 }, faceHeight = 200): StoredResult {
  const features = featuresFromMotion(motion, faceHeight);
  const aus = inferAus(features);
  const evidence = { features, aus, emotion: inferEmotion(aus) };
  // The reference statistics of the same motion, as the pipeline keeps them for the prompt.
  const rois = features.map((f) => roiReport(f.region, { pixels: f.pixels, mean: f.meanMagnitude, max: f.maxMagnitude, concentration: f.concentration, angle: f.angle ?? 0 }));
  const prompt = { rois, text: buildPrompt(rois, 'mellm'), format: 'mellm' as const };
  const expression = expressionReport(frames, evidence, prompt, null, describe(evidence).text, { source: 'rules', model: 'describer:en' });
  const report = { spotting: spottingReport(null, frames, true, 2, { fps: 200, thresholds: DEFAULT_CLASS_THRESHOLDS }), subject: { face_index: 0, faces: 1, box: [0, 0, 8, 8] as [number, number, number, number] }, clip: { frames: 100, fps: 200, width: 8, height: 8 } };
  const face = { crop: [0, 0, 400, 480] as [number, number, number, number], landmarks: [[200, 100], [200, 100 + faceHeight]] as [number, number][], rois: [] };
  return storedResult(expression, report, [], face);
}
