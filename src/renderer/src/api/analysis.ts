/**
 * The analysis stage as the UI needs it. No analysis channel exists in this build yet;
 * these are the assumed shapes for the lead to wire (all frames 0-based):
 *   analysis.run {eventId} → {jobId}        (progress on job.progress, kind 'analysis')
 *   analysis.runAll {clipIds} → {jobId}     (batch; job.progress done/total per clip)
 *   analysis.cancel {jobId} → {}
 *   analysis.get {eventId} → AnalysisView | null
 *   event llm.token {jobId, eventId, token} while the LLM writes the description.
 */
import { api } from './client';
import { callChannel, hasChannel } from './backend';
import type { Suggestion } from '../state/annotation';

export interface RoiBox {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Dense flow onset→apex in frame pixels, row-major, u and v of length width × height. */
export interface FlowField {
  readonly width: number;
  readonly height: number;
  readonly u: readonly number[];
  readonly v: readonly number[];
}

export interface AnalysisView {
  readonly eventId: number;
  /** Spotting motion per frame of the clip (any scale), for the timeline curve. */
  readonly motionCurve: readonly number[] | null;
  readonly landmarks: ReadonlyArray<readonly [number, number]> | null;
  readonly rois: readonly RoiBox[] | null;
  readonly flow: FlowField | null;
  readonly suggestion: Suggestion | null;
}

export interface LlmToken {
  readonly jobId: string;
  readonly eventId: number;
  readonly token: string;
}

export const analysisApi = {
  available: () => hasChannel('analysis.run'),
  batchAvailable: () => hasChannel('analysis.runAll'),
  run: (eventId: number) => callChannel<{ jobId: string }>('analysis.run', { eventId }),
  runAll: (clipIds: readonly number[]) => callChannel<{ jobId: string }>('analysis.runAll', { clipIds }),
  cancel: (jobId: string) => callChannel<unknown>('analysis.cancel', { jobId }),
  get: (eventId: number) => (hasChannel('analysis.get') ? callChannel<AnalysisView | null>('analysis.get', { eventId }) : Promise.resolve(null)),
  onToken: (listener: (token: LlmToken) => void) => api.onByName('llm.token', (payload) => listener(payload as LlmToken)),
};
