/**
 * The analysis stage as the UI needs it, over the pipeline's channels (frames 0-based):
 *   analysis.run {eventId, onset?, apex?, offset?} → {jobId}  (job.progress / job.finished)
 *   analysis.runAll {redo?} → {jobIds, skipped}              (one job per clip; jobs.cancel each)
 *   analysis.get {eventId} → StoredAnalysis | null           (mapped to AnalysisView below)
 *   analysis.overlay {analysisId, kind} → PNG of the onset→apex flow on the face crop
 * The pipeline's analysis job does not expose an LLM request id, so the description
 * appears when the job finishes; llm.token is still followed for requests that name one.
 */
import type { OverlayKind, StoredAnalysis } from '@shared/api/analysis';
import { api } from './client';
import type { FaceOverlay } from './analysis-types';
import { hasChannel } from './backend';
import type { AnalysisView, LlmToken } from './analysis-types';
import type { Label3 } from '../state/annotation';
import type { Markers } from '../state/markers';

export type { AnalysisView, FaceOverlay, FlowField, FlowOverlayRef, LlmToken, RoiBox, SpottedFrames } from './analysis-types';

/** The renderer's view of a stored analysis: suggestion fields, overlays and spotting. */
export function toAnalysisView(stored: StoredAnalysis): AnalysisView {
  const { expression, spotting, face } = stored;
  const hasFlow = stored.overlays.length > 0 && face !== undefined;
  return {
    eventId: stored.eventId,
    analysisId: stored.id,
    motionCurve: spotting.curve.length ? spotting.curve : null,
    landmarks: face ? face.landmarks : null,
    rois: face ? face.rois.map(({ region, box: [x, y, width, height] }) => ({ name: region, x, y, width, height })) : null,
    flow: null,
    flowOverlay: hasFlow ? { analysisId: stored.id, crop: face.crop } : null,
    spotted: { onset: spotting.onset, apex: spotting.apex, offset: spotting.offset, source: spotting.source },
    describer: expression.description_source === 'llm' ? expression.description_model : 'rules',
    suggestion: {
      aus: expression.facs || null,
      emotion: expression.emotion.label,
      label3: expression.emotion.label3 ? (expression.emotion.label3.toLowerCase() as Label3) : null,
      description: expression.description || null,
    },
  };
}

/** The user's onset/apex(/offset) as overrides, only when they form a valid onset < apex ≤ offset. */
export function markerOverrides(markers: Markers): { onset?: number; apex?: number; offset?: number } {
  const { onset, apex, offset } = markers;
  if (onset === null || apex === null || onset >= apex) return {};
  return offset !== null && offset >= apex ? { onset, apex, offset } : { onset, apex };
}

export const analysisApi = {
  available: () => hasChannel('analysis.run'),
  batchAvailable: () => hasChannel('analysis.runAll'),
  run: (eventId: number, markers?: Markers) => api.call('analysis.run', { eventId, ...(markers ? markerOverrides(markers) : {}) }),
  /** Every not-yet-analysed clip of the open workspace, one job each. */
  runAll: (redo = false) => api.call('analysis.runAll', { redo }),
  cancel: (jobId: string) => api.call('jobs.cancel', { jobId }),
  async get(eventId: number): Promise<AnalysisView | null> {
    const stored = await api.call('analysis.get', { eventId });
    return stored ? toAnalysisView(stored) : null;
  },
  /** One overlay image as a data URL (PNG on the face crop grid). */
  async overlayUrl(analysisId: number, kind: OverlayKind): Promise<string> {
    const { png } = await api.call('analysis.overlay', { analysisId, kind });
    return `data:image/png;base64,${png}`;
  },
  faceAvailable: () => hasChannel('face.detect'),
  /** Landmarks and the 29 ROIs of the strongest face on one frame (the face stage's face.detect). */
  async detectFace(path: string, frame: number): Promise<FaceOverlay> {
    const result = await api.call('face.detect', { path, frame });
    const face = result.faces[0];
    return {
      frame: result.frame,
      status: result.status,
      landmarks: face ? face.landmarks.map(([x, y]) => [x, y] as const) : [],
      rois: face ? face.rois.map(({ region, box: [x, y, width, height] }) => ({ name: region, x, y, width, height })) : [],
    };
  },
  onToken: (listener: (token: LlmToken) => void) => api.onByName('llm.token', (payload) => listener(payload as LlmToken)),
};
