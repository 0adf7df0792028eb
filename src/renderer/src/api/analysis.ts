/**
 * The analysis stage as the UI needs it, over the pipeline's channels (frames 0-based):
 *   analysis.run {eventId, onset?, apex?, offset?} → {jobId}  (job.progress / job.finished)
 *   analysis.runAll {redo?} → {jobIds, skipped, items}       (one job per clip; jobs.cancel each)
 *   analysis.pending {} → {clips, events}                     (what analysis.runAll would queue)
 *   analysis.get {eventId} → StoredAnalysis | null           (mapped to AnalysisView below)
 *   analysis.overlay {analysisId, kind} → PNG of the onset→apex flow on the face crop
 * With an LLM configured, the analysis job streams its description as llm.token events
 * whose request id is the job id.
 */
import type { OverlayKind } from '@shared/api/analysis';
import { api } from './client';
import type { FaceOverlay } from './analysis-types';
import type { AnalysisView, LlmToken } from './analysis-types';
import type { Markers } from '../state/markers';
import { markerOverrides, toAnalysisView } from './analysis-view';

export { markerOverrides, toAnalysisView } from './analysis-view';
export type { AnalysisView, FaceOverlay, FlowOverlayRef, LlmToken, RoiBox, SpottedFrames } from './analysis-types';

export const analysisApi = {
  run: (eventId: number, markers?: Markers) => api.call('analysis.run', { eventId, ...(markers ? markerOverrides(markers) : {}) }),
  /** Every not-yet-analysed clip of the open workspace, one job each. */
  runAll: (redo = false) => api.call('analysis.runAll', { redo }),
  /** How many clips (and events) "Analyse all" would analyse now. */
  pending: () => api.call('analysis.pending', {}),
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
