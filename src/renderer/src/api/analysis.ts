/**
 * The analysis stage as the UI needs it, over the pipeline's channels (frames 0-based):
 *   analysis.run {eventId, language, onset?, apex?, offset?} → {jobId}  (job.progress / job.finished)
 *   analysis.run {clipId, language} → {jobId}                           (the whole recording, spotted)
 *   analysis.runAll {language, redo?} → {jobIds, skipped, items}       (one job per clip; jobs.cancel each)
 *   analysis.pending {} → {clips, events}                               (what analysis.runAll would queue)
 *   analysis.get {eventId} → StoredAnalysis | null           (mapped to AnalysisView below)
 *   analysis.spottingRun {clipId} → SpottingRun | null (the clip's latest whole-recording run, as SpottingRunView)
 *   analysis.overlay {analysisId, kind, scale?} → PNG of the onset→apex flow on the face crop, its legend and scale
 * With an LLM configured, the analysis job streams its description as llm.token events
 * whose request id is the job id.
 */
import type { FlowScale, OverlayKind } from '@shared/api/analysis';
import type { Language } from '@shared/language';
import { api } from './client';
import type { FaceOverlay } from './analysis-types';
import type { AnalysisView, LlmToken, SpottingRunView } from './analysis-types';
import type { Markers } from '../state/markers';
import { markerOverrides, toAnalysisView, toSpottingRunView } from './analysis-view';

export { markerOverrides, toAnalysisView, toSpottingRunView } from './analysis-view';
export type { AnalysisView, FaceOverlay, FlowOverlayRef, LlmToken, RoiBox, SpottedFrames, SpottingRunView } from './analysis-types';

/** A flow overlay as the stage draws it: image and legend key (data URLs), full-colour scale and largest motion (reference-crop px). */
export interface FlowOverlayImage {
  readonly url: string;
  readonly legendUrl: string;
  readonly scalePx: number;
  readonly maxPx: number;
}

export const analysisApi = {
  /** The description is written in the UI's language (`language`, checked by main). */
  run: (eventId: number, markers: Markers | undefined, language: Language) => api.call('analysis.run', { eventId, language, ...(markers ? markerOverrides(markers) : {}) }),
  /** The whole recording: spotting finds its intervals, each stored as an event with its analysis. */
  runRecording: (clipId: number, language: Language) => api.call('analysis.run', { clipId, language }),
  /** Every not-yet-analysed clip of the open workspace, one job each. */
  runAll: (language: Language, redo = false) => api.call('analysis.runAll', { redo, language }),
  /** How many clips (and events) "Analyse all" would analyse now. */
  pending: () => api.call('analysis.pending', {}),
  cancel: (jobId: string) => api.call('jobs.cancel', { jobId }),
  async get(eventId: number): Promise<AnalysisView | null> {
    const stored = await api.call('analysis.get', { eventId });
    return stored ? toAnalysisView(stored) : null;
  },
  /** The clip's latest whole-recording spotting run (null: never spotted whole). */
  async spottingRun(clipId: number): Promise<SpottingRunView | null> {
    const run = await api.call('analysis.spottingRun', { clipId });
    return run ? toSpottingRunView(run) : null;
  },
  /** One overlay image and its legend key as data URLs (PNG on the face crop grid), with the scale in reference-crop px. */
  async overlay(analysisId: number, kind: OverlayKind, scale: FlowScale): Promise<FlowOverlayImage> {
    const { png, legendPng, scalePx, maxPx } = await api.call('analysis.overlay', { analysisId, kind, scale });
    return { url: `data:image/png;base64,${png}`, legendUrl: `data:image/png;base64,${legendPng}`, scalePx, maxPx };
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
