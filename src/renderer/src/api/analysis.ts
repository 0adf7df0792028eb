/**
 * The analysis stage as the UI needs it. No analysis channel exists in this build yet;
 * these are the assumed shapes for the lead to wire (all frames 0-based):
 *   analysis.run {eventId} → {jobId, llmRequestId?}  (progress on job.progress, kind 'analysis')
 *   analysis.runAll {clipIds} → {jobId}     (batch; job.progress done/total per clip)
 *   analysis.cancel {jobId} → {}
 *   analysis.get {eventId} → AnalysisView | null
 *   the llm branch's event llm.token {requestId, delta} streams the description; the
 *   analysis job reports the requestId of its LLM call as llmRequestId.
 */
import { api } from './client';
import type { FaceOverlay } from './analysis-types';
import { callChannel, hasChannel } from './backend';
import type { AnalysisView, LlmToken } from './analysis-types';

export type { AnalysisView, FaceOverlay, FlowField, LlmToken, RoiBox } from './analysis-types';

export const analysisApi = {
  available: () => hasChannel('analysis.run'),
  batchAvailable: () => hasChannel('analysis.runAll'),
  run: (eventId: number) => callChannel<{ jobId: string; llmRequestId?: string }>('analysis.run', { eventId }),
  runAll: (clipIds: readonly number[]) => callChannel<{ jobId: string }>('analysis.runAll', { clipIds }),
  cancel: (jobId: string) => callChannel<unknown>('analysis.cancel', { jobId }),
  get: (eventId: number) => (hasChannel('analysis.get') ? callChannel<AnalysisView | null>('analysis.get', { eventId }) : Promise.resolve(null)),
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
