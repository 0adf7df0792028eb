/**
 * Pure mapping from the pipeline's stored analysis to what the Annotate view draws and
 * suggests, and from the annotator's markers to the run's onset/apex overrides. No
 * transport here, so it is testable (and reusable) outside the browser.
 */
import { llmModelLabel } from '@shared/llm-identity';
import type { SpottingRun, StoredAnalysis } from '@shared/api/analysis';
import { analysisFlowModel } from '@shared/api/flow';
import type { Label3 } from '../state/annotation';
import type { Markers } from '../state/markers';
import type { AnalysisView, Candidate, NonExpression, RoiNote, SpottingRunView } from './analysis-types';

/** The renderer's view of a stored analysis: suggestion fields, overlays and spotting. */
export function toAnalysisView(stored: StoredAnalysis): AnalysisView {
  const { expression, spotting, face } = stored;
  const hasFlow = stored.overlays.length > 0 && face !== undefined;
  return {
    eventId: stored.eventId,
    analysisId: stored.id,
    motionCurve: spotting.curve.length ? spotting.curve : null,
    motionCurveUnit: spotting.curve_unit === 'quiet_deviations' ? 'deviations' : 'face',
    motionThreshold: spotting.threshold > 0 ? spotting.threshold : null,
    landmarks: face ? face.landmarks : null,
    rois: face ? face.rois.map(({ region, box: [x, y, width, height] }) => ({ name: region, x, y, width, height })) : null,
    roiNotes: roiNotes(expression.rois),
    flowOverlay: hasFlow ? { analysisId: stored.id, crop: face.crop } : null,
    // Spotted: this event's own interval (a recording's run stores its strongest interval as
    // `spotting.onset…` in every event's row). User frames: as the run was asked for them.
    spotted:
      spotting.source === 'spotting'
        ? { onset: expression.onset, apex: expression.apex, offset: expression.offset, source: spotting.source }
        : { onset: spotting.onset, apex: spotting.apex, offset: spotting.offset, source: spotting.source },
    describer: expression.description_source === 'llm' ? llmModelLabel(expression.description_model, expression.description_model_content) : 'rules',
    flowModel: analysisFlowModel(stored.models),
    candidates: candidates(spotting.intervals),
    nonExpressions: nonExpressions(spotting),
    // Analyses stored before classes carry none: nothing is claimed for them.
    expressionClass: expression.kind !== undefined ? { kind: expression.kind, durationMs: expression.duration_ms ?? null, captureFps: spotting.capture_fps ?? null } : null,
    suggestion: {
      aus: expression.facs || null,
      emotion: expression.emotion.label,
      label3: expression.emotion.label3 ? (expression.emotion.label3.toLowerCase() as Label3) : null,
      description: expression.description || null,
    },
  };
}

/** The regions read beside an eyeglass rim, or covered and not read. */
function roiNotes(rois: StoredAnalysis['expression']['rois']): RoiNote[] {
  return rois.flatMap(({ region, read_from, occluded }): RoiNote[] =>
    read_from ? [{ region, note: read_from }] : occluded ? [{ region, note: occluded === 'glasses' ? 'occluded-glasses' : 'occluded-hair' }] : [],
  );
}

/** A clip's stored spotting run as the queue, the set-aside list and the timeline draw it. */
export function toSpottingRunView(run: SpottingRun): SpottingRunView {
  const { spotting } = run;
  return {
    clipId: run.clipId,
    createdAt: run.createdAt,
    current: run.current,
    candidates: candidates(spotting.intervals),
    nonExpressions: nonExpressions(spotting),
    curve: spotting.curve.length ? spotting.curve : null,
    curveUnit: spotting.curve_unit === 'quiet_deviations' ? 'deviations' : 'face',
    threshold: spotting.threshold > 0 ? spotting.threshold : null,
    captureFps: spotting.capture_fps ?? null,
  };
}

function candidates(intervals: StoredAnalysis['spotting']['intervals']): Candidate[] {
  return intervals.map((iv) => ({
    onset: iv.onset,
    apex: iv.apex,
    offset: iv.offset,
    kind: iv.kind,
    score: iv.score,
    strength: iv.strength,
    durationMs: iv.duration_ms ?? null,
    facs: iv.facs ?? null,
  }));
}

/**
 * Blinks (the upper-lid spotter's, and those classed by their shape), gaze shifts, speech
 * and the intervals read as a blink, by onset; a classed blink the lid spotter also found is
 * listed once.
 */
function nonExpressions(spotting: Pick<StoredAnalysis['spotting'], 'blinks' | 'confounders' | 'read_as_blink'>): NonExpression[] {
  const blinks: NonExpression[] = (spotting.blinks ?? []).map((b) => ({ kind: 'blink', onset: b.onset, apex: b.apex, offset: b.offset }));
  const classed: NonExpression[] = (spotting.confounders ?? [])
    .filter((c) => c.cause !== 'blink' || !blinks.some((b) => b.onset <= c.offset && c.onset <= b.offset))
    .map((c) => ({ kind: c.cause, onset: c.onset, apex: c.apex, offset: c.offset, reason: c.reason }));
  const readAsBlink: NonExpression[] = (spotting.read_as_blink ?? []).map((iv) => ({ kind: 'readAsBlink', onset: iv.onset, apex: iv.apex, offset: iv.offset, facs: iv.facs }));
  return [...blinks, ...classed, ...readAsBlink].sort((a, b) => a.onset - b.onset);
}

/** The user's onset/apex(/offset) as overrides, only when they form a valid onset < apex ≤ offset. */
export function markerOverrides(markers: Markers): { onset?: number; apex?: number; offset?: number } {
  const { onset, apex, offset } = markers;
  if (onset === null || apex === null || onset >= apex) return {};
  return offset !== null && offset >= apex ? { onset, apex, offset } : { onset, apex };
}
