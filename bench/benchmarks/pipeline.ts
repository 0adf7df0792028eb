import type { AnalyzeReport } from '../../src/shared/api/analysis';
import type { PipelineOptions, PipelineResult } from '../../src/main/analysis/pipeline/pipeline';
import { analyzeExpressionFlow } from '../../src/main/analysis/evidence';
import { evaluate, evaluateAus, evaluateClasses, evaluateSpotting, type AuLabel, type EvaluationCase } from '../../src/main/corpus/evaluate';
import { THREE_CLASSES, type ThreeClass } from '../../src/main/analysis/emotion';
import { sampleFlow } from '../../src/main/inference/flow/expression';
import type { FlowField } from '../../src/main/inference/flow/types';
import { median, type Benchmark, type BenchRow } from '../harness';
import { ensurePipelineSet, exactExpression, timedAnalysis, withPipelineServices, type SetClip } from './pipeline-set';

/**
 * The MELLM pipeline end to end on generated synthetic clips (real face photos, exact
 * ground truth): AU F1, 3-class accuracy / UF1 / UAR, apex error, spotting F1, flow EPE
 * inside the ROIs, time per clip. Peers in the same run: the same pipeline given the true
 * onset and apex (oracle spotting), the AU rules on the exact expression flow (upper
 * bound of the flow stage), and a majority-class guess. MELLM_PIPELINE_CLIPS=N limits
 * the ME clips for quick iterations (default 200).
 */

const auLabels = (report: Pick<AnalyzeReport, 'aus'>): AuLabel[] => report.aus.map((a) => ({ au: Number(a.code.slice(2)), intensity: a.intensity }));
/** AU and side as one label (AU × 10 + 0 both / 1 left / 2 right): lateral AUs must get the side right. */
const SIDE_CODE = { B: 0, L: 1, R: 2 } as const;

/** Mean end-point error over the ROI pixels, ground truth resampled onto the crop grid in reference-crop pixels. */
function roiEpe(result: PipelineResult, truth: FlowField): number {
  if (!result.overlay) return Number.NaN;
  const { flow, face } = result.overlay;
  const [bx, by, bw, bh] = face.geometry.box;
  const sx = bw / face.geometry.width;
  const sy = bh / face.geometry.height;
  const plane = flow.width * flow.height;
  let sum = 0;
  let n = 0;
  for (const roi of face.rois) {
    const [x0, y0, w, h] = roi.box;
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(flow.height, Math.round(y0 + h)); y += 1) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(flow.width, Math.round(x0 + w)); x += 1) {
        const [u, v] = sampleFlow(truth, bx + (x + 0.5) * sx - 0.5, by + (y + 0.5) * sy - 0.5);
        const i = y * flow.width + x;
        sum += Math.hypot((flow.data[i] as number) - (u / sx) * face.toReference, (flow.data[plane + i] as number) - (v / sy) * face.toReference);
        n += 1;
      }
    }
  }
  return n ? sum / n : Number.NaN;
}

interface Outcome {
  readonly clip: SetClip;
  readonly report: AnalyzeReport;
  readonly ms: number;
  readonly epe?: number;
}

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

/** The outcomes as `mellm evaluate` reads a workspace: the truth's FACS text and class as labels, the report as the prediction. */
function evaluationCases(me: readonly Outcome[]): EvaluationCase[] {
  return me.map(({ clip: { truth }, report }, i) => ({
    label: { eventId: String(i + 1), clipId: String(i + 1), dataset: 'synthetic', subject: '', fps: truth.fps, onset: truth.onset, apex: truth.apex, offset: truth.offset, aus: truth.facs, emotion: truth.label?.toLowerCase() ?? null },
    prediction: {
      analysisId: String(i + 1),
      aus: report.aus.map((a) => ({ au: Number(a.code.slice(2)), side: a.side, intensity: a.intensity })),
      label3: report.emotion.label3,
      emotion: report.emotion.label,
      source: report.spotting.source,
      onset: report.spotting.onset,
      apex: report.spotting.apex,
      intervals: report.spotting.intervals,
    },
  }));
}

function scoreRows(method: string, outcomes: readonly Outcome[]): BenchRow[] {
  const me = outcomes.filter((o) => o.clip.kind === 'me');
  const still = outcomes.filter((o) => o.clip.kind === 'still');
  const truthAus = me.map((o) => o.clip.truth.aus.map((a) => ({ au: a.au, intensity: a.intensity })));
  const aus = evaluateAus(me.map((o) => auLabels(o.report)), truthAus);
  const sided = evaluateAus(
    me.map((o) => o.report.aus.map((a) => ({ au: Number(a.code.slice(2)) * 10 + SIDE_CODE[a.side], intensity: a.intensity }))),
    me.map((o) => o.clip.truth.aus.map((a) => ({ au: a.au * 10 + SIDE_CODE[a.side], intensity: a.intensity }))),
  );
  const classes = evaluateClasses(me.map((o) => o.report.emotion.label3), me.map((o) => o.clip.truth.label as ThreeClass), THREE_CLASSES);
  const spotted = me.filter((o) => o.report.spotting.apex !== null);
  const spotting = evaluateSpotting(
    me.flatMap((o, i) => o.report.spotting.intervals.map((iv) => ({ onset: iv.onset + i * 1000, apex: iv.apex + i * 1000, offset: iv.offset + i * 1000 }))),
    me.map((o, i) => ({ onset: o.clip.truth.onset + i * 1000, apex: o.clip.truth.apex + i * 1000, offset: o.clip.truth.offset + i * 1000 })),
  );
  const epes = me.map((o) => o.epe).filter((e): e is number => e !== undefined && Number.isFinite(e));
  // The same outcomes through mellm evaluate's path (labels counted from B, as the bench's truth): the figures must agree.
  const evaluated = me.length ? evaluate(evaluationCases(me), { labelMin: 'B', resamples: 0 }) : null;
  const rows: BenchRow[] = [
    {
      case: `${me.length} synthetic MEs, 6 identities`,
      method,
      samples: me.map((o) => o.ms),
      metrics: {
        auMacroF1: round(aus.macroF1),
        auSideMacroF1: round(sided.macroF1),
        accuracy3: round(classes.accuracy),
        uf1: round(classes.uf1),
        uar: round(classes.uar),
        medianApexError: spotted.length ? median(spotted.map((o) => Math.abs((o.report.spotting.apex as number) - o.clip.truth.apex))) : null,
        spotted: `${spotted.length}/${me.length}`,
        spottingF1: round(spotting.f1),
        roiEpeRefPx: epes.length ? round(median(epes)) : null,
        perAuF1: Object.entries(aus.perAu).map(([au, s]) => `AU${au}:${round(s.f1, 2)}`).join(' '),
        evaluateAuMacroF1: evaluated ? round(evaluated.aus.macroF1.value ?? 0) : null,
        evaluateUf1: evaluated ? round(evaluated.megc.uf1.value ?? 0) : null,
        evaluateMedianApexError: evaluated?.timing.apexFrames.median.value ?? null,
      },
    },
  ];
  if (still.length) {
    rows.push({
      case: `${still.length} still faces (noise, compression)`,
      method,
      metrics: { withAnyAu: still.filter((o) => o.report.aus.length > 0).length, withMe: still.filter((o) => o.report.emotion.label3 !== null).length },
    });
  }
  return rows;
}

/** The pipeline's AU F1 and UF1 per condition: clean frames, head motion, degraded (noise + CRF 26 mp4). */
function breakdownRows(method: string, outcomes: readonly Outcome[]): BenchRow[] {
  const me = outcomes.filter((o) => o.clip.kind === 'me');
  const degraded = (o: Outcome) => o.clip.truth.noise >= 2;
  const moving = (o: Outcome) => Object.keys(o.clip.truth.head).length > 0;
  const groups: Array<[string, Outcome[]]> = [
    ['clean PNG frames, still head', me.filter((o) => !degraded(o) && !moving(o))],
    ['PNG frames, head motion', me.filter((o) => !degraded(o) && moving(o))],
    ['degraded (noise σ 2, CRF 26 mp4)', me.filter(degraded)],
  ];
  return groups.map(([name, group]) => {
    const aus = evaluateAus(group.map((o) => auLabels(o.report)), group.map((o) => o.clip.truth.aus.map((a) => ({ au: a.au, intensity: a.intensity }))));
    const classes = evaluateClasses(group.map((o) => o.report.emotion.label3), group.map((o) => o.clip.truth.label as ThreeClass), THREE_CLASSES);
    return { case: `${group.length} of the MEs: ${name}`, method, metrics: { auMacroF1: round(aus.macroF1), uf1: round(classes.uf1), accuracy3: round(classes.accuracy) } };
  });
}

export const pipelineBenchmark: Benchmark = {
  name: 'pipeline',
  description: 'End-to-end MELLM pipeline on generated synthetic clips: AU F1, 3-class UF1/UAR, apex error, spotting F1, ROI flow EPE, time per clip',
  async run({ log }) {
    return withPipelineServices(async (services) => {
      const limit = Number(process.env.MELLM_PIPELINE_CLIPS ?? 200);
      const set = await ensurePipelineSet(services.face, { me: limit, still: 12, timing: 2 }, log);
      const analyse = (clip: SetClip, options: PipelineOptions = {}) => timedAnalysis(services, clip.kind === 'timing' ? clip.mp4 : clip.input, options);
      // Warm-up: sessions and generated graphs for every crop size.
      await analyse(set[0] as SetClip);
      const ours: Outcome[] = [];
      const oracle: Outcome[] = [];
      const exact: Outcome[] = [];
      for (const [i, clip] of set.filter((c) => c.kind !== 'timing').entries()) {
        if (i % 20 === 0) log(`analysing ${i}/${set.length}`);
        const run = await analyse(clip);
        ours.push({ clip, report: run.result.report, ms: run.ms });
        const truth = clip.truth;
        const given = await analyse(clip, { onset: truth.onset, apex: truth.apex, offset: truth.offset });
        // Upper bound: the AU rules on the exact expression flow at the true onset landmarks.
        const truthFace = await exactExpression(services, clip);
        oracle.push({ clip, report: given.result.report, ms: given.ms, epe: roiEpe(given.result, truthFace.flow) });
        const evidence = analyzeExpressionFlow(truthFace.flow, truthFace.rois, truthFace.faceHeight, truthFace.roll);
        exact.push({
          clip,
          ms: 0,
          report: {
            ...run.result.report,
            aus: evidence.aus.map((a) => ({ code: `AU${a.au}`, side: a.side, intensity: a.intensity, confidence: a.confidence })),
            emotion: { label3: evidence.emotion.label, label: evidence.emotion.emotion, confidence: evidence.emotion.confidence },
          },
        });
      }
      const timing: number[] = [];
      for (const clip of set.filter((c) => c.kind === 'timing')) {
        for (let r = 0; r < 2; r += 1) timing.push((await analyse(clip)).ms);
      }
      const me = ours.filter((o) => o.clip.kind === 'me');
      const counts = new Map<string, number>();
      for (const o of me) counts.set(o.clip.truth.label as string, (counts.get(o.clip.truth.label as string) ?? 0) + 1);
      const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as ThreeClass;
      const majorityScore = evaluateClasses(me.map(() => majority), me.map((o) => o.clip.truth.label as ThreeClass), THREE_CLASSES);
      return [
        ...scoreRows('pipeline (spotting + flow; PNG frames, mp4 when degraded)', ours),
        ...breakdownRows('pipeline (spotting + flow)', ours),
        ...breakdownRows('peer: AU rules on the exact expression flow', exact),
        ...scoreRows('peer: pipeline given the true onset/apex', oracle),
        // The exact-flow peer has no spotting or flow of its own: keep only its AU and class figures.
        ...scoreRows('peer: AU rules on the exact expression flow', exact)
          .slice(0, 1)
          .map((r) => ({ ...r, samples: [], metrics: { ...r.metrics, medianApexError: null, evaluateMedianApexError: null, spotted: null, spottingF1: null, roiEpeRefPx: null } })),
        { case: `${me.length} synthetic MEs, 6 identities`, method: `peer: majority class (${majority})`, metrics: { accuracy3: round(majorityScore.accuracy), uf1: round(majorityScore.uf1), uar: round(majorityScore.uar) } },
        { case: '60-frame 640×480 clip, end to end (decode, face, spotting, flow, AUs, describer)', method: 'pipeline (warm models, in-process)', samples: timing, metrics: { medianMs: round(median(timing), 1), goalMs: 1000 } },
      ];
    });
  },
};
