import type { AnalyzeReport, PromptFormat } from '@shared/api/analysis';
import { AppError } from '@shared/errors';
import { llmModelVersion } from '@shared/llm-identity';
import type { FaceModels } from '../../inference/face/analyze';
import { faceCrop } from '../../inference/face/face-crop';
import type { FlowService } from '../../inference/flow/service';
import { spottingFlow, type FlowPreset } from '../../inference/flow/variational-presets';
import type { FlowModel } from '../../inference/flow/model';
import type { FlowField } from '../../inference/flow/types';
import type { FrameSequence, GrayImage } from '../../media/image';
import { describe, type DescriberLanguage } from '../describer';
import { inferEmotion } from '../emotion';
import { classifyInterval, DEFAULT_CLASS_THRESHOLDS, intervalScore, spot, type ClassThresholds, type SpottingOptions, type SpottingResult, type MotionSignal } from '../spotting';
import { analyzeExpressionFlow } from '../evidence';
import { facsString, ruleEvidence } from '../au-rules';
import { AU_RULES } from '../au-table';
import { checkReturn } from '../return-check';
import { checkOnset, framesBeforeOnset, needsOnsetCheck } from '../onset-check';
import { buildPrompt, roiReport } from '../prompt';
import { referenceRoiStats } from '../reference-stats';
import { cropGray, cropGeometry, cropsAt, faceRollOf, framesAround, framesBefore, meanGray } from './crop';
import { apexFromOnset, cropFace, cropMotion, scanMotion, type CropFace, type ScanCheckpoint } from './motion';
import { expressionReport, headMotionReport, noExpressionReport, spottingReport, type DescribedBy } from './report';
import { findSubject, followSubject } from './subject';
import { frameMotion, type FrameMotion, type FrameMotionScan } from '../frame-motion';
import { detectOcclusion, resampleOcclusion, type Occlusion } from '../occlusion';
import type { RoiFeature } from '../roi-features';
import type { RgbImage } from '../../media/image';
import type { RoiReport } from '@shared/api/analysis';
import type { CropGeometry } from './crop';
import { ScanClock, type ScanEta } from './scan-clock';
import { LeadKeeper, leadFirst, type Candidate } from './primary';
import { isBlinkInterval } from '../blink-interval';
import { lightingChanged, matchRowGains } from './brightness';

/**
 * The MELLM pipeline on one clip: subject face → spotting (unless the user gave onset and
 * apex) → flow onset → apex on the face crop → expression flow → ROI features → AUs →
 * emotion → prompt → description (deterministic describer, or an LLM when given one).
 */

export interface PipelineModels {
  readonly face: FaceModels;
  readonly flow: FlowService;
}

/** Writes the description from the prompt; absent → the deterministic FACS describer. */
export type LlmDescriber = (prompt: string, signal?: AbortSignal) => Promise<{ text: string; modelId: string; modelContent?: string }>;

export interface PipelineOptions {
  readonly onset?: number | undefined;
  readonly apex?: number | undefined;
  readonly offset?: number | undefined;
  /** Which face on the reference frame is the subject (0 = largest). */
  readonly faceIndex?: number | undefined;
  readonly llm?: LlmDescriber | undefined;
  /** How the prompt (stored, and the LLM's input) is written; default `mellm`, the reference's text. */
  readonly promptFormat?: PromptFormat | undefined;
  readonly language?: DescriberLanguage | undefined;
  readonly signal?: AbortSignal | undefined;
  /** `scan`: during the spotting scan, frames done / total and the time left at this run's rate. */
  readonly onProgress?: ((done: number, total: number, message: string, scan?: ScanEta) => void) | undefined;
  /** Face crop for spotting (small: it runs on every frame). */
  readonly spotSize?: readonly [number, number];
  /** Face crop for the onset → apex flow. */
  readonly flowSize?: readonly [number, number];
  readonly flowPreset?: FlowPreset;
  /**
   * The user's spotting choice (default fast). They run on every frame with the flow
   * `spottingFlow` maps it to: fast is the scan's own configuration, not the fast preset.
   */
  readonly spotPreset?: FlowPreset;
  /** Overrides the onset → apex flow model (a learned model, or custom variational options). */
  readonly flowModel?: FlowModel;
  /** Spotting reference lag in frames (default ≈ 0.2 s, the onset → apex time of an ME). */
  readonly lag?: number;
  /**
   * Frames averaged before the onset → apex flow: `onset` frames ending at the onset (the
   * face is still there) and `apex` frames centred on the apex. Averaging cuts sensor and
   * compression noise; the apex neighbours sit slightly below the peak, so a wide apex
   * window shrinks the motion a little.
   */
  readonly frameAverage?: { readonly onset: number; readonly apex: number };
  /** At most this many spotted intervals are analysed (the strongest). */
  readonly maxExpressions?: number;
  /**
   * Keep per-frame motion rows for the workspace: from the spotting scan, or (user frames)
   * from a scan of the event's frames, onset − lag … offset.
   */
  readonly frameMotion?: boolean | undefined;
  /** Spotting thresholds (defaults: spotting.ts). */
  readonly spotting?: SpottingOptions;
  /**
   * The rate the face was filmed at (default: the clip's container rate). Durations, the
   * micro / macro classes and which clips are dataset samples (≤ 2 s) are read at it.
   */
  readonly captureFps?: number | undefined;
  /** The micro / macro boundaries (Settings; default 500 ms onset → offset, 250 ms onset → apex). */
  readonly classThresholds?: ClassThresholds | undefined;
  /** Continues the spotting scan of a long recording from a checkpoint of an earlier run. */
  readonly resume?: ScanCheckpoint | undefined;
  /**
   * The spotting scan hands out a checkpoint after every `checkpointEvery` frames (default
   * 30 s of video) with the per-frame motion rows measured since the last one; those rows
   * are then left out of the result's `frameMotion`, which starts where they end.
   */
  readonly onCheckpoint?: ((checkpoint: ScanProgress) => void | Promise<void>) | undefined;
  readonly checkpointEvery?: number | undefined;
  /** The spotting scan's per-ROI signal as measured, before spotting reads it (fitting tools record it to refit spotting without rescanning). */
  readonly onSignal?: ((signal: MotionSignal, captureFps: number) => void) | undefined;
  /**
   * Bring each frame to its reference's lighting before the spotting, apex and expression flows
   * (brightness.ts: flicker, rolling-shutter bands, exposure and white-balance drift are
   * not motion). Default on.
   */
  readonly matchLighting?: boolean | undefined;
}

/** A checkpoint of the spotting scan and the per-frame motion rows it covers since the last one. */
export interface ScanProgress extends ScanCheckpoint {
  readonly motion: FrameMotionScan | null;
}

export interface PipelineResult {
  readonly report: AnalyzeReport;
  /** The primary expression's flow (reference-crop pixels) and onset crop, for overlays. */
  readonly overlay: { readonly flow: FlowField; readonly onset: GrayImage; readonly face: CropFace } | null;
  /** Per-frame motion rows when asked for (the whole clip when spotting; the event from onset − lag for user frames). */
  readonly frameMotion: FrameMotionScan | null;
}

/** The crop (width, height) the spotting scan's flow runs on. */
export const DEFAULT_SPOT_SIZE = [80, 96] as const;
/** The crop (width, height) the expression flow runs on. */
export const DEFAULT_FLOW_SIZE = [200, 240] as const;
const DEFAULT_FRAME_AVERAGE = { onset: 3, apex: 1 } as const;
export const PIPELINE_VERSION = '1';
/**
 * Clips up to this long are dataset samples cut around one expression (CASME II, SAMM):
 * their strongest motion is analysed even below the spotting threshold, and the AU rules
 * decide whether anything moved. Longer recordings report only what crosses it.
 */
const DATASET_CLIP_SECONDS = 2;

/**
 * The spotting lag: 0.2 s of frames (the expected onset → apex time), but at most a fifth
 * of the clip. The scan measures nothing before frame `lag` and a run holds an expression
 * and its echo `lag` frames later: at 200 fps a 40-frame clip with a 40-frame lag shows no
 * expression at all, and an expression a dataset cut to start 8 frames in would be unseen.
 */
export const defaultLag = (fps: number, frames = Number.POSITIVE_INFINITY): number => Math.max(2, Math.min(Math.round(0.2 * fps), Math.floor(frames / 5)));

function checkUserFrames(o: PipelineOptions, frames: number): void {
  const given = [o.onset, o.apex, o.offset].filter((v) => v !== undefined) as number[];
  if (given.some((v) => !Number.isInteger(v) || v < 0 || v >= frames)) {
    throw new AppError('INVALID_INPUT', `Onset, apex and offset must be frames 0..${frames - 1} of this clip (0-based).`);
  }
  if ((o.onset === undefined) !== (o.apex === undefined)) throw new AppError('INVALID_INPUT', 'Give onset and apex together.');
  if (o.onset !== undefined && o.apex !== undefined && !(o.onset < o.apex && (o.offset === undefined || o.apex <= o.offset))) {
    throw new AppError('INVALID_INPUT', `Frames must satisfy onset < apex ≤ offset (got ${o.onset}/${o.apex}/${o.offset ?? '-'}).`);
  }
}

/** The user's onset/apex/offset (offset defaulting to the apex mirrored), or null to spot. */
function userInterval(o: PipelineOptions, frames: number): { onset: number; apex: number; offset: number } | null {
  if (o.onset === undefined || o.apex === undefined) return null;
  return { onset: o.onset, apex: o.apex, offset: o.offset ?? Math.min(frames - 1, o.apex + (o.apex - o.onset)) };
}

/** Glasses or hair on the reference frame's analysis crop, or null when the face is uncovered. */
function findOcclusion(image: RgbImage, landmarks: CropFace['landmarks'], geometry: CropGeometry): Occlusion | null {
  const face = cropFace(landmarks, geometry);
  const found = detectOcclusion(cropGray(image, geometry), face.landmarks, face.rois);
  return found.glasses || found.hair ? found : null;
}

/**
 * Where an interval's apex search stops: `lag` frames past its offset, but before a blink,
 * gaze shift or speech bout that starts after the interval's apex — the face there moves
 * for another reason (a jaw opening would become the apex and read as AU25).
 */
export function apexSearchEnd(interval: { readonly apex: number }, end: number, confounders: ReadonlyArray<{ readonly onset: number }>): number {
  let stop = end;
  for (const c of confounders) if (c.onset > interval.apex && c.onset - 1 < stop) stop = c.onset - 1;
  return Math.max(interval.apex, stop);
}

/**
 * The ROI line of a covered region says so instead of reporting the cover's motion (the prompt
 * and the report read it); one read beside an eyeglass rim says where (the report only).
 */
function coveredRoi(roi: RoiReport, feature: RoiFeature | undefined): RoiReport {
  if (feature?.readFrom) return { ...roi, read_from: feature.readFrom };
  const cause = feature?.occluded;
  if (!cause) return roi;
  return { ...roi, mean_magnitude: 0, max_magnitude: 0, direction: `Occluded by ${cause}`, angle: null, occluded: cause };
}

export async function analyzeClip(clip: FrameSequence, models: PipelineModels, options: PipelineOptions = {}): Promise<PipelineResult> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number): number => {
    const now = performance.now();
    timings[name] = Math.round((now - since) * 10) / 10;
    return now;
  };
  checkUserFrames(options, clip.frameCount);
  const given = userInterval(options, clip.frameCount);
  const fps = options.captureFps ?? clip.fps;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new AppError('INVALID_INPUT', `The capture rate must be a number of frames per second above 0 (got ${fps}).`);
  const thresholds = options.classThresholds ?? DEFAULT_CLASS_THRESHOLDS;
  const spotOptions: SpottingOptions = { ...thresholds, ...options.spotting };
  // The scan's lag stays in the decoder's frames: at a 200-fps capture rate it would be 40
  // frames, and the scan measures nothing before frame `lag` (see docs/expression-classes.md).
  const lag = options.lag ?? defaultLag(clip.fps, clip.frameCount);
  // Spotting scans the whole clip; user frames scan only their event, and only on request.
  const scan = !given ? { first: 0, last: clip.frameCount - 1 } : options.frameMotion ? { first: Math.max(0, given.onset - lag), last: given.offset } : null;
  const total = (scan ? scan.last - scan.first + 1 : 0) + 3;
  const progress = (done: number, message: string, eta?: ScanEta) => options.onProgress?.(done, total, message, eta);
  const cancelled = () => {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The analysis was cancelled.');
  };

  // Subject face on the reference frame (the onset when known): one crop window for the clip.
  const t = performance.now();
  const referenceFrame = options.onset ?? 0;
  const referenceImage = await clip.read(referenceFrame);
  const subject = await findSubject(models.face, referenceImage, options.faceIndex ?? 0);
  const window = faceCrop(subject.landmarks);
  const [spotW, spotH] = options.spotSize ?? DEFAULT_SPOT_SIZE;
  const [flowW, flowH] = options.flowSize ?? DEFAULT_FLOW_SIZE;
  const geometry = cropGeometry(window, flowW, flowH);
  // Glasses and hair over the brows, found once on the reference frame: their pixels stay out of every ROI feature.
  const occlusion = findOcclusion(referenceImage, subject.landmarks, geometry);
  const covered = (face: CropFace): CropFace => (occlusion ? { ...face, occlusion: face.geometry.width === occlusion.width && face.geometry.height === occlusion.height ? occlusion : resampleOcclusion(occlusion, face.geometry.width, face.geometry.height) } : face);
  const afterFace = lap('face', t);
  progress(1, 'face');
  cancelled();

  let spotting: SpottingResult | null = null;
  // Spotted onsets whose offset the signal left unclear; user frames are unclear when no offset was given.
  let unclear = new Map<number, boolean>();
  let intervals: Array<{ onset: number; apex: number; offset: number; weak?: boolean; neutralAgain?: number }> = given ? [given] : [];
  const rows: FrameMotion[] = [];
  const spotFace = covered(cropFace(subject.landmarks, cropGeometry(window, spotW, spotH)));
  const spotRoll = faceRollOf(spotFace.landmarks);
  // Rows from here on are not yet in a checkpoint (a resumed scan's earlier rows are stored).
  let rowsFrom = !given && options.resume ? options.resume.next : (scan?.first ?? 0);
  const checkpoints = !given && options.onCheckpoint;
  const spotModel = models.flow.model(undefined, spottingFlow(options.spotPreset ?? 'fast'));
  const matchLighting = options.matchLighting ?? true;
  const clock = scan ? new ScanClock(scan.last - scan.first + 1, !given && options.resume ? options.resume.next - scan.first : 0) : null;
  const signal = scan
    ? await scanMotion(clip, spotModel, spotFace, {
        lag,
        ...scan,
        ...(options.signal ? { signal: options.signal } : {}),
        matchLighting,
        onFrame: (index) => progress(2 + index - scan.first, 'spotting', clock?.at(index - scan.first + 1)),
        onFeatures: (frame, features) => {
          if (options.frameMotion) rows.push(frameMotion(frame, features, spotRoll));
        },
        ...(checkpoints
          ? {
              resume: options.resume,
              checkpointEvery: options.checkpointEvery ?? Math.max(1, Math.round(30 * clip.fps)),
              onCheckpoint: async (checkpoint: ScanCheckpoint) => {
                const motion = options.frameMotion ? { lag, first: rowsFrom, last: checkpoint.next - 1, rows: rows.splice(0) } : null;
                rowsFrom = checkpoint.next;
                await checkpoints({ ...checkpoint, motion });
              },
            }
          : {}),
      })
    : null;
  if (signal) options.onSignal?.(signal, fps);
  if (given && signal) {
    lap('frame_motion', afterFace);
    // The event's motion, cleaned as spotting cleans it, is the curve the timeline draws;
    // nothing is spotted (the user gave the frames). Frames outside the scan read 0.
    spotting = { ...spot(signal, fps, spotOptions), intervals: [], blinks: [] };
  }
  if (!given && signal) {
    spotting = spot(signal, fps, { atLeastOne: clip.frameCount <= DATASET_CLIP_SECONDS * fps, ...spotOptions });
    const afterSpotting = lap('spotting', afterFace);
    // The apex is searched on the analysis crop: the spotting crop is too coarse for the
    // sub-pixel rise under head motion. The search runs up to `lag` frames past the offset,
    // where the echo ends (spotting reads the offset from the echo, which may stay below
    // threshold); the face is neutral there, so the displacement can only be lower.
    const apexFace = covered(cropFace(subject.landmarks, geometry));
    const strongest = [...spotting.intervals].sort((a, b) => b.strength - a.strength).slice(0, options.maxExpressions ?? 20);
    intervals = [];
    const confounders = spotting.confounders;
    // The count stands still from here to the end: the stage tells a long recording's minutes apart.
    progress(total - 2, 'apex');
    for (const iv of strongest) {
      const searchEnd = apexSearchEnd(iv, Math.min(clip.frameCount - 1, iv.offset + lag), confounders);
      const apex = await apexFromOnset(clip, spotModel, apexFace, iv.onset, searchEnd, { signal: options.signal, matchLighting });
      intervals.push({ onset: iv.onset, apex, offset: Math.max(apex, iv.offset), weak: iv.strength < 1, neutralAgain: searchEnd });
    }
    // Report the refined apexes (same order as spotted, by onset), classed again on them.
    const refined = new Map(strongest.map((iv, i) => [iv, intervals[i] as { apex: number; offset: number }]));
    spotting = {
      ...spotting,
      intervals: spotting.intervals.map((iv) => {
        const next = { ...iv, ...(refined.get(iv) ?? {}) };
        const { kind, durationMs, basis } = classifyInterval(next, fps, thresholds);
        return { ...next, kind, durationMs, classBasis: basis };
      }),
    };
    unclear = new Map(spotting.intervals.map((iv) => [iv.onset, iv.offsetUnclear]));
    lap('apex', afterSpotting);
  }
  cancelled();

  const flowModel = options.flowModel ?? models.flow.model(undefined, options.flowPreset ?? 'balanced');
  const promptFormat = options.promptFormat ?? 'mellm';
  const average = options.frameAverage ?? DEFAULT_FRAME_AVERAGE;
  const analysed: Candidate[] = [];
  // The report's overlay is its lead's: only the lead so far keeps its flow.
  const leadOverlay = new LeadKeeper<NonNullable<PipelineResult['overlay']>>();
  const rules: DescribedBy = { source: 'rules', model: `describer:${options.language ?? 'en'}` };
  let llmModel: { id: string; content: string | null } | null = null;
  const dropped = new Set<number>();
  // Dropped as the blink: listed apart for review, never offered.
  const readAsBlink: Array<{ onset: number; apex: number; offset: number; facs: string }> = [];
  // Onset → the strongest surviving non-blink AU's confidence: the evidence half of an interval's score.
  const auConfidence = new Map<number, number>();
  progress(total - 2, 'expression');
  for (const interval of intervals) {
    const onsetImage = await clip.read(interval.onset);
    const landmarks = interval.onset === referenceFrame ? subject.landmarks : await followSubject(models.face, onsetImage, subject.landmarks);
    const face: CropFace = covered(cropFace(landmarks, geometry));
    const onsetCrop = meanGray([cropGray(onsetImage, geometry), ...(await cropsAt(clip, geometry, framesBefore(interval.onset, average.onset - 1)))]);
    const apexFrames = meanGray(await cropsAt(clip, geometry, framesAround(interval.apex, average.apex, interval.onset + 1, clip.frameCount - 1)));
    // Light that changed between onset and apex is matched row by row (brightness.ts: rolling
    // bands and flicker change whole rows; a window's sum would follow a rising cheek).
    const lit = (crop: GrayImage): GrayImage => (matchLighting && lightingChanged(onsetCrop, crop) ? matchRowGains(onsetCrop, crop) : crop);
    const apexCrop = lit(apexFrames);
    const tf = performance.now();
    const motion = await cropMotion(flowModel, onsetCrop, apexCrop, face, options.signal);
    timings.flow = (timings.flow ?? 0) + Math.round((performance.now() - tf) * 10) / 10;
    const roll = faceRollOf(face.landmarks);
    let evidence = { ...analyzeExpressionFlow(motion.flow, face.rois, face.faceHeight, roll, face.occlusion) };
    // A spotted interval's AUs must have returned where the face is neutral again (return-check.ts).
    let lostAus = false;
    if (interval.neutralAgain !== undefined && evidence.aus.length > 0) {
      const after = await cropMotion(flowModel, onsetCrop, lit(cropGray(await clip.read(interval.neutralAgain), geometry)), face, options.signal);
      const { returned, persistent } = checkReturn(evidence.aus, ruleEvidence(after.features, AU_RULES, roll));
      lostAus = persistent.length > 0;
      evidence = { ...evidence, aus: returned, emotion: inferEmotion(returned) };
    }
    // A spotted interval's lip and jaw AUs must not be the onset going back to an earlier frame (onset-check.ts).
    for (const before of interval.neutralAgain === undefined ? [] : framesBeforeOnset(interval.onset, lag)) {
      if (!needsOnsetCheck(evidence.aus)) break;
      const back = await cropMotion(flowModel, onsetCrop, lit(cropGray(await clip.read(before), geometry)), face, options.signal);
      const { kept, fromDisplacedOnset } = checkOnset(evidence.aus, ruleEvidence(back.features, AU_RULES, roll));
      lostAus ||= fromDisplacedOnset.length > 0;
      evidence = { ...evidence, aus: kept, emotion: inferEmotion(kept) };
    }
    // A spotted blink whose spill read as faint brows and cheeks is shown as a blink, never offered as an expression (blink-interval.ts).
    if (spotting && !given && isBlinkInterval(evidence.aus, interval.apex, [...spotting.blinks, ...(spotting.confounders ?? []).filter((c) => c.cause === 'blink')], lag)) {
      dropped.add(interval.onset);
      readAsBlink.push({ onset: interval.onset, apex: interval.apex, offset: interval.offset, facs: facsString(evidence.aus) });
      continue;
    }
    // A below-threshold candidate (a dataset clip's strongest motion), or one that lost AUs as
    // a step or to a displaced onset, stands only if an AU moved beyond a trace: codec noise at its strongest can reach a trace.
    if ((interval.weak || lostAus) && !evidence.aus.some((a) => !a.blink && a.intensity !== 'A')) {
      dropped.add(interval.onset);
      continue;
    }
    const featureByRegion = new Map(evidence.features.map((f) => [f.region, f]));
    auConfidence.set(interval.onset, Math.max(0, ...evidence.aus.filter((a) => !a.blink).map((a) => a.confidence)));
    const rois = referenceRoiStats(motion.flow, face.landmarks, face.faceHeight).map(({ region, stats }) => coveredRoi(roiReport(region, stats), featureByRegion.get(region)));
    const prompt = { rois, text: buildPrompt(rois, promptFormat), format: promptFormat };
    const td = performance.now();
    let description: string;
    let describedBy = rules;
    if (options.llm && evidence.aus.some((a) => !a.blink)) {
      const llm = await options.llm(prompt.text, options.signal);
      description = llm.text;
      describedBy = { source: 'llm', model: llm.modelId, content: llm.modelContent ?? null };
      llmModel = { id: llm.modelId, content: llm.modelContent ?? null };
    } else {
      description = describe(evidence, options.language ?? 'en').text;
    }
    timings.describe = (timings.describe ?? 0) + Math.round((performance.now() - td) * 10) / 10;
    // Offered as an expression (micro or macro) only with AU evidence left after the checks above.
    const offsetUnclear = given ? options.offset === undefined : (unclear.get(interval.onset) ?? false);
    const classed = classifyInterval({ ...interval, offsetUnclear }, fps, thresholds);
    const kind = evidence.aus.some((a) => !a.blink) ? classed.kind : null;
    const strength = spotting?.intervals.find((iv) => iv.onset === interval.onset)?.strength ?? 0;
    const candidate = {
      report: { ...expressionReport(interval, evidence, prompt, headMotionReport(motion.head), description, describedBy), kind, duration_ms: classed.durationMs },
      score: intervalScore(strength, auConfidence.get(interval.onset) ?? 0),
    };
    analysed.push(candidate);
    leadOverlay.offer(candidate, { flow: motion.flow, onset: onsetCrop, face });
    cancelled();
  }
  progress(total - 1, 'expression');
  // The lead (the report's own fields, its spotting frames and overlay) is the best expression candidate, not merely the strongest motion.
  const expressions = leadFirst(analysed);
  const overlay = expressions[0] ? leadOverlay.value : null;
  if (spotting && !given) {
    spotting = {
      ...spotting,
      intervals: spotting.intervals.filter((iv) => !dropped.has(iv.onset)).map((iv) => ({ ...iv, score: intervalScore(iv.strength, auConfidence.get(iv.onset) ?? 0) })),
    };
  }

  // Each interval names the AUs its expression was read as, for the review queue.
  if (spotting && !given) {
    const facsAt = new Map(expressions.map((e) => [e.onset, e.facs]));
    spotting = { ...spotting, intervals: spotting.intervals.map((iv) => (facsAt.has(iv.onset) ? { ...iv, facs: facsAt.get(iv.onset) } : iv)) };
  }
  const primary = expressions[0] ?? noExpressionReport(describe({ features: [], aus: [], emotion: inferEmotion([]) }, options.language ?? 'en').text, promptFormat);
  timings.total = Math.round((performance.now() - started) * 10) / 10;
  progress(total, 'done');
  const { onset: _o, apex: _a, offset: _f, ...flat } = primary;
  return {
    report: {
      clip: { frames: clip.frameCount, fps: clip.fps, capture_fps: fps, width: clip.width, height: clip.height },
      subject: { face_index: subject.faceIndex, faces: subject.faceCount, box: [...subject.box] as [number, number, number, number] },
      spotting: spottingReport(spotting, given ?? expressions[0] ?? null, given !== null, lag, { fps, thresholds }, readAsBlink),
      ...flat,
      expressions,
      models: [
        { id: 'blazeface-front-128+back-256', version: 'mediapipe' },
        { id: 'facemesh-468', version: 'mediapipe' },
        { id: flowModel.id, version: PIPELINE_VERSION },
        ...(scan ? [{ id: `spotting:${spotModel.id}`, version: PIPELINE_VERSION }] : []),
        { id: rules.model, version: PIPELINE_VERSION },
        ...(llmModel ? [{ id: llmModel.id, version: llmModelVersion(llmModel.content) }] : []),
      ],
      timings,
    },
    overlay,
    frameMotion: scan && options.frameMotion ? { lag, first: rowsFrom, last: scan.last, rows } : null,
  };
}
