/**
 * Lab notes for the AU rules beside the confounders: replays the AU rules (au-table.ts as it
 * is now) and the emotion class on the ROI features that bench/fit/confounder-clips.ts saved
 * beside each ME clip of FITTING seeds (`features.json`: the first analysed interval's), and
 * prints each clip whose reading differs from its truth or from what the pipeline reported,
 * then the per-AU breakdown pooled and by condition. Rule experiments run in a second; the
 * pipeline's later checks (return, onset) are not replayed, so a clip they change shows as
 * differing from its report.
 *
 *   node --import tsx bench/fit/confounder-rules.ts --seeds 7100,7300 [--conditions blinks,saccades]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalyzeReport } from '../../src/shared/api/analysis';
import { inferAus } from '../../src/main/analysis/au-rules';
import { AU_RULES } from '../../src/main/analysis/au-table';
import { inferEmotion } from '../../src/main/analysis/emotion';
import type { RoiFeature } from '../../src/main/analysis/roi-features';
import type { SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { auBreakdown, CONFOUNDER_SEED, CONFOUNDER_SET_VERSION, type ConfounderClip } from '../benchmarks/confounders';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, conditions: { type: 'string' } } });
const seeds = (values.seeds ?? '7100,7300').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s === CONFOUNDER_SEED)) throw new Error(`Pick fitting seeds (integers other than the bench's ${CONFOUNDER_SEED}).`);
const conditions = values.conditions?.split(',');

const codes = (aus: ReadonlyArray<{ code: string; intensity: string }>): string => aus.filter((a) => a.intensity !== 'A').map((a) => `${a.code}${a.intensity}`).join('+') || '-';
const present = (aus: ReadonlyArray<{ code: string; intensity: string }>): string => aus.filter((a) => a.intensity !== 'A').map((a) => a.code).sort().join('+');

const outcomes: Array<{ clip: ConfounderClip; report: Pick<AnalyzeReport, 'aus'>; label: string | null }> = [];
for (const seed of seeds) {
  const root = join(tmpdir(), `mellm-bench-confounders-${CONFOUNDER_SET_VERSION}-${seed}`);
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root).sort()) {
    const condition = name.split('_')[0] as ConfounderClip['condition'];
    if (!name.includes('_me_') || (conditions && !conditions.includes(condition))) continue;
    const dir = join(root, name);
    if (!existsSync(join(dir, 'features.json')) || !existsSync(join(dir, 'report.json'))) continue;
    const saved = JSON.parse(readFileSync(join(dir, 'features.json'), 'utf8')) as { roll: number; features: RoiFeature[] } | null;
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as SynthTruth;
    const reported = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as AnalyzeReport;
    const aus = saved ? inferAus(saved.features, AU_RULES, saved.roll).filter((a) => !a.blink) : [];
    const replay = aus.map((a) => ({ code: `AU${a.au}`, intensity: a.intensity }));
    const label = inferEmotion(aus).label ?? null;
    const clip: ConfounderClip = { condition, kind: 'me', input: join(dir, 'frames'), truth };
    outcomes.push({ clip, report: { aus: replay as AnalyzeReport['aus'] }, label });
    const truthCodes = truth.aus.map((a) => ({ code: `AU${a.au}`, intensity: a.intensity }));
    const wrong = present(replay) !== present(truthCodes) || label !== truth.label;
    const moved = present(replay) !== present(reported.aus) || label !== reported.emotion.label3;
    if (wrong || moved) console.log(`${seed} ${name} | truth ${codes(truthCodes)} ${truth.label} | replay ${codes(replay)} ${label} | reported ${codes(reported.aus)} ${reported.emotion.label3}${moved ? ' | MOVED' : ''}`);
  }
}
const byCondition = [...new Set(outcomes.map((o) => o.clip.condition))];
for (const [name, set] of [['pooled', outcomes] as const, ...byCondition.map((c) => [c, outcomes.filter((o) => o.clip.condition === c)] as const)]) {
  const { score, text } = auBreakdown(set);
  const right = set.filter((o) => o.label === o.clip.truth.label).length;
  console.log(`AU F1 ${name}: ${score.macroF1.toFixed(3)} over ${set.length} MEs, class right ${right} | ${text}`);
}
