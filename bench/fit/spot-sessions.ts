/**
 * Spotting refit on recorded session signals (bench/fit/session-signals.ts): runs `spot`
 * on each recorded signal and scores every spotted interval by class against the truth
 * (MEGC matching, IoU ≥ 0.5) — the spotting half of the sessions bench, in milliseconds.
 * Prints per session: spotted intervals, micro and macro TP / FP / FN, false micro per
 * minute, and with `--detail` each true expression's best IoU and the signal there.
 *
 *   node --import tsx bench/fit/spot-sessions.ts [--detail] [--falses] [--only name,…] [--bench] [--deviations 8]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateSpotting } from '../../src/main/corpus/evaluate/metrics';
import { spot } from '../../src/main/analysis/spotting';
import type { SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { fitSessionsDir, readSignal } from './session-signals';
import { sessionsDir } from '../benchmarks/sessions-set';

const { values } = parseArgs({ options: { detail: { type: 'boolean' }, falses: { type: 'boolean' }, only: { type: 'string' }, bench: { type: 'boolean' }, deviations: { type: 'string' } } });
const only = values.only?.split(',').filter(Boolean);
const iou = (a: { onset: number; offset: number }, b: { onset: number; offset: number }): number => {
  const inter = Math.min(a.offset, b.offset) - Math.max(a.onset, b.onset) + 1;
  return inter <= 0 ? 0 : inter / (Math.max(a.offset, b.offset) - Math.min(a.onset, b.onset) + 1);
};
const totals: { micro: [number, number, number]; macro: [number, number, number]; minutes: number; falseMicro: number } = { micro: [0, 0, 0], macro: [0, 0, 0], minutes: 0, falseMicro: 0 };
const names = readdirSync(fitSessionsDir()).filter((f) => f.endsWith('.signal.json')).map((f) => f.replace('.signal.json', ''));
for (const name of names.filter((n) => (!only || only.includes(n)) && (values.bench ? !n.startsWith('fit-') : n.startsWith('fit-')))) {
  const mp4Dir = name.startsWith('fit-') ? fitSessionsDir() : sessionsDir();
  const truthPath = join(mp4Dir, `${name}.truth.json`);
  if (!existsSync(truthPath)) continue;
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as SynthTruth;
  const { signal, fps } = readSignal(join(fitSessionsDir(), `${name}.signal.json`));
  const t0 = performance.now();
  const result = spot(signal, fps, values.deviations ? { sessionDeviations: Number(values.deviations) } : {});
  const ms = performance.now() - t0;
  const minutes = truth.frames / truth.fps / 60;
  const line = [`${name}: ${result.intervals.length} spotted, threshold ${result.threshold.toFixed(3)}, ${Math.round(ms)} ms`];
  for (const kind of ['micro', 'macro'] as const) {
    const trueIvs = truth.intervals.filter((iv) => iv.kind === kind);
    const s = evaluateSpotting(result.intervals.filter((iv) => iv.kind === kind), trueIvs);
    const tally = totals[kind];
    tally[0] += s.truePositives;
    tally[1] += s.falsePositives;
    tally[2] += s.falseNegatives;
    line.push(`${kind} ${s.truePositives}/${s.falsePositives}/${s.falseNegatives}`);
    if (kind === 'micro') {
      line.push(`false micro/min ${(s.falsePositives / minutes).toFixed(2)}`);
      totals.falseMicro += s.falsePositives;
    }
  }
  totals.minutes += minutes;
  console.log(line.join(' · '));
  if (values.falses) {
    for (const iv of result.intervals) {
      const near = truth.intervals.filter((t) => t.onset <= iv.offset + signal.lag && iv.onset <= t.offset + signal.lag).map((t) => `${t.kind}${t.facs ? ` ${t.facs}` : ''} ${t.onset}-${t.offset} IoU ${iou(t, iv).toFixed(2)}`);
      console.log(`  ${iv.kind} ${iv.onset}-${iv.apex}-${iv.offset} strength ${iv.strength}: ${near.join('; ') || 'nothing there'}`);
    }
  }
  if (values.detail) {
    for (const t of truth.intervals.filter((iv) => iv.kind === 'micro' || iv.kind === 'macro')) {
      const best = result.intervals.map((iv) => ({ iv, v: iou(t, iv) })).sort((a, b) => b.v - a.v)[0];
      let peak = 0;
      for (let f = t.onset; f <= Math.min(truth.frames - 1, t.offset + signal.lag); f += 1) peak = Math.max(peak, result.faceSignal[f] ?? 0);
      console.log(`  ${t.kind} ${t.facs} ${t.onset}-${t.apex}-${t.offset}: peak ${(peak / result.threshold).toFixed(2)}× · best ${best ? `${best.iv.kind} ${best.iv.onset}-${best.iv.apex}-${best.iv.offset} IoU ${best.v.toFixed(2)}` : 'none'}`);
    }
  }
}
const f1 = ([tp, fp, fn]: number[]): string => ((2 * (tp as number)) / Math.max(1, 2 * (tp as number) + (fp as number) + (fn as number))).toFixed(3);
console.log(`pooled ${totals.minutes.toFixed(1)} min: micro F1 ${f1(totals.micro)} (${totals.micro.join('/')}), macro F1 ${f1(totals.macro)} (${totals.macro.join('/')}), false micro/min ${(totals.falseMicro / Math.max(1e-9, totals.minutes)).toFixed(2)}`);
