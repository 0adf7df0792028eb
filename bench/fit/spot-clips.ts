/**
 * Lab notes for the clip spotting: replays `spot` on every `signal.json` that
 * bench/fit/confounder-clips.ts saved beside the confounder clips of the given FITTING or check
 * seeds (never the bench's 20261206), one line per clip — the spotted intervals, the
 * confounders and the lid-found blinks — so that two versions of the spotting can be diffed
 * over hundreds of clips in seconds.
 *
 *   node --import tsx bench/fit/spot-clips.ts 7100 7300 7500 > spotted.txt
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spot, type MotionSignal } from '../../src/main/analysis/spotting';
import { CONFOUNDER_SEED, CONFOUNDER_SET_VERSION } from '../benchmarks/confounders';

const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s === CONFOUNDER_SEED)) throw new Error(`Pick fitting or check seeds (integers other than the bench's ${CONFOUNDER_SEED}).`);
for (const seed of seeds) {
  const root = join(tmpdir(), `mellm-bench-confounders-${CONFOUNDER_SET_VERSION}-${seed}`);
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name, 'signal.json');
    if (!existsSync(file)) continue;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { lag: number; channels: Record<string, number[]> };
    const signal: MotionSignal = { lag: saved.lag, channels: Object.fromEntries(Object.entries(saved.channels).map(([k, v]) => [k, Float32Array.from(v)])) };
    const r = spot(signal, 30, { atLeastOne: true });
    const intervals = r.intervals.map((i) => `${i.onset}/${i.apex}/${i.offset} ${i.kind}`).join(' ') || '-';
    const confounders = r.confounders.map((c) => `${c.cause}@${c.onset}-${c.offset}`).join(' ') || '-';
    console.log(`${seed} ${name} | ${intervals} | ${confounders} | blinks ${r.blinks.map((b) => `${b.onset}-${b.offset}`).join(' ') || '-'}`);
  }
}
