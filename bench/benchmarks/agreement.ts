import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agreementToCsv, computeAgreement, krippendorffAlphaNominal, type CodedEvent } from '../../src/main/corpus/agreement';
import { time, type Benchmark, type BenchRow } from '../harness';
import { syntheticCodedEvents } from './corpus-synthetic';

const PYTHON = '/usr/bin/python3';

// Peer: a plain Python coincidence-matrix implementation of nominal α (Krippendorff 2011),
// written independently of ours; it both times a second implementation and checks our value.
const PYTHON_ALPHA = `
import json, sys, time, itertools
units = json.load(open(sys.argv[1]))
t = time.perf_counter()
o = {}
for values in units:
    vals = [v for v in values if v is not None]
    m = len(vals)
    if m < 2: continue
    for i, j in itertools.permutations(range(m), 2):
        key = (vals[i], vals[j]); o[key] = o.get(key, 0) + 1.0 / (m - 1)
n_c = {}
for (c, k), w in o.items(): n_c[c] = n_c.get(c, 0) + w
n = sum(n_c.values())
do = sum(w for (c, k), w in o.items() if c != k)
de = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n - 1)
print(json.dumps({"alpha": 1 - do / de, "ms": (time.perf_counter() - t) * 1000}))
`;

function emotionUnits(events: readonly CodedEvent[]): (string | null)[][] {
  const coders = [...new Set(events.map((event) => event.annotator))].sort();
  const units = new Map<string, (string | null)[]>();
  for (const event of events) {
    const unit = units.get(event.eventId) ?? coders.map(() => null);
    unit[coders.indexOf(event.annotator)] = event.emotion ?? null;
    units.set(event.eventId, unit);
  }
  return [...units.values()];
}

/** Agreement over 10,000 ME events × 3 annotators (goal: full report ≤ 1 s). */
export const agreementBenchmark: Benchmark = {
  name: 'agreement',
  description: 'Agreement report (κ, α, FACS ratio, AU F1, frame diffs, MEGC matching, per-AU α) on 10,000 events × 3 coders',
  async run({ reps = 5, log }) {
    const events = syntheticCodedEvents(10_000, 3);
    log(`${events.length} annotations (10,000 events × 3 coders, ~3% not coded)`);
    let report = computeAgreement(events);
    const full = await time(() => { report = computeAgreement(events); }, reps);
    const csv = await time(() => agreementToCsv(report), reps);
    const units = emotionUnits(events);
    let alpha = krippendorffAlphaNominal(units).alpha;
    const alphaOnly = await time(() => { alpha = krippendorffAlphaNominal(units).alpha; }, reps);
    const rows: BenchRow[] = [
      { case: '10k events × 3 coders', method: 'computeAgreement (full report)', samples: full, metrics: { goalMs: 1000, emotionAlpha: report.emotionAlpha.alpha, facsRatio: report.facsRatio, spottingF1: report.spotting.f1, perAu: report.perAu.length } },
      { case: '10k events × 3 coders', method: 'agreementToCsv', samples: csv },
      { case: '10k events × 3 coders', method: 'krippendorffAlphaNominal (emotion) — ours', samples: alphaOnly, metrics: { alpha } },
    ];
    if (existsSync(PYTHON)) {
      const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-alpha-'));
      try {
        writeFileSync(join(dir, 'units.json'), JSON.stringify(units));
        writeFileSync(join(dir, 'alpha.py'), PYTHON_ALPHA);
        const samples: number[] = [];
        let peerAlpha = Number.NaN;
        for (let i = 0; i < reps; i += 1) {
          const out = JSON.parse(execFileSync(PYTHON, [join(dir, 'alpha.py'), join(dir, 'units.json')], { encoding: 'utf8' })) as { alpha: number; ms: number };
          samples.push(out.ms);
          peerAlpha = out.alpha;
        }
        rows.push({ case: '10k events × 3 coders', method: 'nominal α — pure Python coincidence matrix (peer)', samples, metrics: { alpha: peerAlpha, absDiff: Math.abs(peerAlpha - alpha) } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else log(`${PYTHON} not found: Python peer skipped`);
    return rows;
  },
};
