/**
 * Lab notes for the confounders: the confounders bench's clips generated from a FITTING base
 * seed (never the bench's 20261206), run through the pipeline, one line per clip — the true
 * AUs and class beside what came out, the spotted intervals and the confounders found — so
 * that where the F1 is lost can be read clip by clip. Each clip's report and spotting signal
 * are written next to it (`report.json`, `signal.json`) for replaying the spotting alone, and
 * the first analysed interval's ROI features with the face's tilt (`features.json`) for
 * replaying the AU rules alone (bench/fit/confounder-rules.ts).
 *
 *   node --import tsx bench/fit/confounder-clips.ts --seed 7100 --clips 5
 *   MELLM_CONFOUNDER_CONDITIONS=speech,tremor node --import tsx bench/fit/confounder-clips.ts --seed 7100
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalyzeReport } from '../../src/shared/api/analysis';
import type { MotionSignal } from '../../src/main/analysis/spotting';
import { auBreakdown, CONFOUNDER_SEED, ensureClips, type ConfounderClip } from '../benchmarks/confounders';
import { timedAnalysis, withPipelineServices } from '../benchmarks/pipeline-set';
import { faceRollOf } from '../../src/main/analysis/pipeline/crop';
import { roiFeatures } from '../../src/main/analysis/roi-features';

const { values } = parseArgs({ options: { seed: { type: 'string' }, clips: { type: 'string' } } });
const seed = Number(values.seed ?? 7100);
if (!Number.isInteger(seed) || seed === CONFOUNDER_SEED) throw new Error(`Pick a fitting seed (an integer other than the bench's ${CONFOUNDER_SEED}).`);
const perCondition = Number(values.clips ?? 5);

const aus = (list: ReadonlyArray<{ au?: number; code?: string; intensity: string }>): string => list.map((a) => `${a.code ?? `AU${a.au}`}${a.intensity}`).join('+') || '-';

await withPipelineServices(async (services) => {
  const clips = await ensureClips(services, perCondition, (m) => console.error(m), seed);
  const outcomes: Array<{ clip: ConfounderClip; report: AnalyzeReport }> = [];
  for (const clip of clips) {
    let signal: MotionSignal | null = null;
    const { result } = await timedAnalysis(services, clip.input, { onSignal: (s) => (signal = s) });
    const report: AnalyzeReport = result.report;
    const overlay = result.overlay;
    if (overlay) {
      const features = roiFeatures(overlay.flow, overlay.face.rois, overlay.face.faceHeight, overlay.face.occlusion);
      writeFileSync(join(dirname(clip.input), 'features.json'), JSON.stringify({ roll: faceRollOf(overlay.face.landmarks), features }));
    } else writeFileSync(join(dirname(clip.input), 'features.json'), JSON.stringify(null));
    if (clip.kind === 'me') outcomes.push({ clip, report });
    const dir = dirname(clip.input);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    const s = signal as MotionSignal | null;
    if (s) writeFileSync(join(dir, 'signal.json'), JSON.stringify({ lag: s.lag, channels: Object.fromEntries(Object.entries(s.channels).map(([k, v]) => [k, Array.from(v, (x) => Math.round(x * 1e5) / 1e5)])) }));
    const t = clip.truth;
    const spotted = report.spotting.intervals.map((iv) => `${iv.onset}/${iv.apex}/${iv.offset}`).join(' ') || '-';
    const found = (report.spotting.confounders ?? []).map((c) => `${c.cause}@${c.onset}-${c.offset}`).join(' ') || '-';
    const occluded = report.rois.filter((r) => r.occluded).length;
    console.log(
      [
        dir.split('/').pop(),
        `truth ${aus(t.aus)} ${t.label ?? '-'} ${t.onset}/${t.apex}/${t.offset}`,
        `got ${aus(report.aus)} ${report.emotion.label3 ?? '-'} (${report.emotion.label ?? '-'}) apex ${report.spotting.apex ?? '-'}`,
        `spotted ${spotted}`,
        `confounders ${found}`,
        occluded ? `occluded ${occluded}` : '',
      ].join(' | '),
    );
  }
  // Per AU, F1 (TP/FP/FN) pooled and by condition: which AUs the macro F1 loses on.
  const conditions = [...new Set(outcomes.map((o) => o.clip.condition))];
  for (const [name, set] of [['pooled', outcomes] as const, ...conditions.map((c) => [c, outcomes.filter((o) => o.clip.condition === c)] as const)]) {
    const { score, text } = auBreakdown(set);
    console.log(`AU F1 ${name}: ${score.macroF1.toFixed(3)} over ${set.length} MEs | ${text}`);
  }
});
