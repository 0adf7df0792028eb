import { inferAus } from '../../src/main/analysis/au-rules';
import { inferEmotion, THREE_CLASSES, type ThreeClass } from '../../src/main/analysis/emotion';
import { evaluateAus, evaluateClasses, evaluateSpotting, type AuLabel, type FrameInterval } from '../../src/main/corpus/evaluate/metrics';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { spot, type MotionSignal } from '../../src/main/analysis/spotting';
import { uniform } from '../../src/main/analysis/synth/random';
import { expressionProfile } from '../../src/main/analysis/synth/head-motion';
import { synthesize, type SynthClip } from '../../src/main/analysis/synth/synthesize';
import type { SynthAu } from '../../src/main/analysis/synth/expression-field';
import type { FlowField } from '../../src/main/inference/flow/types';
import { ROI_NAMES } from '../../src/shared/rois';
import { canonicalLandmarks, drawFace, meshRois } from '../../test/helpers/canonical-face';
import type { Benchmark, BenchRow } from '../harness';

/**
 * Understanding core on synthetic micro-expressions (no dataset needed: /work/shared has
 * none for MEs). AU macro F1 (≥ B), 3-class accuracy / UF1 / UAR from (a) the exact
 * expression flow, (b) the same flow with estimator-like noise, (c) a majority-class
 * peer; spotting F1 on synthetic long-video signals vs. a naive fixed-threshold peer.
 */

const PROTOTYPES: ReadonlyArray<readonly number[]> = [[6, 12], [12], [1, 2], [1, 2, 25], [9], [10], [4, 7], [1, 4, 15], [1, 2, 4, 20], [14], [17], [24], [15, 17]];
const LETTERS = ['B', 'C', 'D', 'E'] as const;

function sampleAus(rand: () => number): SynthAu[] {
  const proto = PROTOTYPES[Math.floor(rand() * PROTOTYPES.length)] as readonly number[];
  const side = rand() < 0.2 ? (rand() < 0.5 ? 'L' : 'R') : 'B';
  return proto.map((au) => ({ au, side, intensity: LETTERS[Math.floor(rand() * LETTERS.length)] as SynthAu['intensity'] }));
}

/** Estimator-like error: iid noise plus a smooth random field, `level` px. */
function perturb(flow: FlowField, level: number, rand: () => number): FlowField {
  const data = new Float32Array(flow.data);
  const plane = flow.width * flow.height;
  const [fx, fy, px, py] = [0.02 + 0.05 * rand(), 0.02 + 0.05 * rand(), 6.3 * rand(), 6.3 * rand()];
  for (let i = 0; i < plane; i += 1) {
    const x = i % flow.width;
    const y = Math.floor(i / flow.width);
    const smooth = 0.5 * level * Math.sin(fx * x + px) * Math.cos(fy * y + py);
    const g = (): number => (rand() + rand() + rand() - 1.5) * 2 * level;
    data[i] = (data[i] as number) + smooth + g();
    data[plane + i] = (data[plane + i] as number) - smooth + g();
  }
  return { ...flow, data };
}

/** MEs of 0.1–0.4 s (rise 50–150 ms), blinks, slow drift and noise in per-ROI |D(t) − D(t − lag)| signals. */
function spottingSignal(rand: () => number, fps: number, seconds: number, lag: number): { signal: MotionSignal; truth: FrameInterval[] } {
  const frames = Math.round(fps * seconds);
  const truth: FrameInterval[] = [];
  for (let start = Math.round(0.75 * fps); start + fps < frames; start += Math.round(fps * (1.5 + rand()))) {
    const rise = Math.max(2, Math.round(fps * (0.05 + 0.1 * rand())));
    truth.push({ onset: start, apex: start + rise, offset: start + rise + Math.max(2, Math.round(fps * (0.075 + 0.15 * rand()))) });
  }
  const faceRois = ROI_NAMES.filter((n) => !n.includes('Upper Eyelid'));
  const pick = (): string[] => {
    const first = Math.floor(rand() * (faceRois.length - 2));
    return faceRois.slice(first, first + 2 + Math.floor(rand() * 4));
  };
  const events = truth.map((t) => ({ ...t, amp: 0.25 + rand() * 0.6, rois: pick() }));
  const prof = (t: number, e: FrameInterval & { apex: number }): number => expressionProfile(t, e.onset, e.apex, e.offset);
  const blinks = Array.from({ length: Math.floor(seconds / 2) }, () => Math.floor(rand() * (frames - fps)));
  const blinkRise = Math.max(1, Math.round(0.04 * fps));
  const disp = (roi: string, t: number): number => {
    let d = (0.6 * t) / fps + 0.4 * Math.sin(t / (2 * fps)); // slow head drift left in the expression flow
    for (const e of events) if (e.rois.includes(roi)) d += e.amp * prof(t, e as FrameInterval & { apex: number });
    if (roi.includes('Upper Eyelid')) for (const b of blinks) d += 3 * prof(t, { onset: b, apex: b + blinkRise, offset: b + 2 * blinkRise + 1 });
    return d;
  };
  const channels: Record<string, Float32Array> = {};
  for (const roi of ROI_NAMES) {
    const v = new Float32Array(frames);
    for (let t = lag; t < frames; t += 1) v[t] = Math.abs(disp(roi, t) - disp(roi, t - lag) + 0.02 * (rand() + rand() + rand() - 1.5) * 2);
    channels[roi] = v;
  }
  return { signal: { lag, channels }, truth };
}

/** Peer: frames where the mean ROI motion exceeds a fixed level, as intervals. */
function naiveSpot(signal: MotionSignal, level: number): FrameInterval[] {
  const chans = Object.values(signal.channels);
  const n = chans[0]?.length ?? 0;
  const out: FrameInterval[] = [];
  let start = -1;
  for (let t = 0; t <= n; t += 1) {
    const mean = t < n ? chans.reduce((s, c) => s + (c[t] as number), 0) / chans.length : 0;
    if (mean > level && start < 0) start = t;
    if (mean <= level && start >= 0) {
      out.push({ onset: start, offset: t - 1 });
      start = -1;
    }
  }
  return out;
}

export const understandingBenchmark: Benchmark = {
  name: 'understanding',
  description: 'AU/emotion rules and spotting on synthetic MEs with exact ground truth (vs. noisy flow and naive peers)',
  async run({ reps, log }) {
    const samples = reps ?? 60;
    const rand = uniform(2026);
    const size = 192;
    const landmarks = canonicalLandmarks(size, size, 150);
    const photo = drawFace(size, size, landmarks);
    const truths: AuLabel[][] = [];
    const labels: ThreeClass[] = [];
    const exact: { aus: AuLabel[][]; labels: (ThreeClass | null)[]; ms: number[] } = { aus: [], labels: [], ms: [] };
    const noisy = new Map<number, { aus: AuLabel[][]; labels: (ThreeClass | null)[] }>([0.15, 0.4].map((level) => [level, { aus: [], labels: [] }]));
    const synthMs: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const aus = sampleAus(rand);
      let t0 = performance.now();
      const clip: SynthClip = synthesize({ photo, landmarks, aus, fps: 200, frames: 40, onset: 5, apex: 18, offset: 35 });
      const flow = clip.flow.expression;
      synthMs.push(performance.now() - t0);
      const rois = meshRois(landmarks, clip.truth.faceHeight);
      truths.push(clip.truth.aus.map((a) => ({ au: a.au, intensity: a.intensity })));
      labels.push(clip.truth.label as ThreeClass);
      t0 = performance.now();
      const found = inferAus(roiFeatures(flow, rois, clip.truth.faceHeight));
      const emotion = inferEmotion(found);
      exact.ms.push(performance.now() - t0);
      exact.aus.push(found.filter((a) => !a.blink));
      exact.labels.push(emotion.label);
      for (const [level, bucket] of noisy) {
        const foundNoisy = inferAus(roiFeatures(perturb(flow, level, rand), rois, clip.truth.faceHeight));
        bucket.aus.push(foundNoisy.filter((a) => !a.blink));
        bucket.labels.push(inferEmotion(foundNoisy).label);
      }
    }
    log(`${samples} synthetic clips (192×192, face height 150 px, 13 AU prototypes, 20 % one-sided)`);
    const counts = THREE_CLASSES.map((c) => labels.filter((l) => l === c).length);
    const majority = THREE_CLASSES[counts.indexOf(Math.max(...counts))] as ThreeClass;
    const scoreRow = (method: string, aus: AuLabel[][], preds: (ThreeClass | null)[], ms?: number[]): BenchRow => {
      const c = evaluateClasses(preds, labels, THREE_CLASSES);
      return { case: `synthetic MEs (n=${samples})`, method, samples: ms, metrics: { auMacroF1: evaluateAus(aus, truths).macroF1, acc3: c.accuracy, uf1: c.uf1, uar: c.uar } };
    };
    const rows: BenchRow[] = [
      scoreRow('rules on exact expression flow', exact.aus, exact.labels, exact.ms),
      ...[...noisy].map(([level, b]) => scoreRow(`rules on flow + ${level} px noise (iid + smooth)`, b.aus, b.labels)),
      scoreRow(`peer: majority class (${majority}), no AUs`, truths.map(() => []), labels.map(() => majority)),
      { case: 'synthesize 192×192 + GT flow', method: 'synthesize()', samples: synthMs },
    ];
    for (const fps of [200, 30]) {
      const lag = Math.round(0.15 * fps);
      const { signal, truth } = spottingSignal(uniform(fps), fps, 60, lag);
      const frames = fps * 60;
      const t0 = performance.now();
      const result = spot(signal, fps);
      const ms = performance.now() - t0;
      const ours = evaluateSpotting(result.intervals, truth);
      const naive = evaluateSpotting(naiveSpot(signal, 0.1), truth);
      const spotCase = `spotting ${frames} frames @${fps} fps, ${truth.length} MEs + blinks + drift`;
      rows.push({ case: spotCase, method: 'spot()', samples: [ms], metrics: { f1: ours.f1, precision: ours.precision, recall: ours.recall, apexErr: ours.meanApexError } });
      rows.push({ case: spotCase, method: 'peer: fixed threshold on mean ROI motion', metrics: { f1: naive.f1, precision: naive.precision, recall: naive.recall, apexErr: null } });
    }
    return rows;
  },
};
