import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { HISTOGRAM_RANGE, bootstrapEstimates, compareRuns, errorHistogram, evaluate, evaluationHtml, megcClassOf, quantileSorted, type EvaluationCase, type EvaluationLabel, type EvaluationPrediction } from '../../src/main/corpus/evaluate';

let nextId = 0;
function label(fields: Partial<EvaluationLabel> = {}): EvaluationLabel {
  nextId += 1;
  return { eventId: String(nextId), clipId: `c${nextId}`, dataset: 'casme2', subject: '01', fps: 200, onset: 10, apex: 20, offset: 40, aus: '', emotion: null, ...fields };
}
function prediction(fields: Partial<EvaluationPrediction> = {}): EvaluationPrediction {
  return { analysisId: 'a', aus: [], label3: null, emotion: null, source: 'user', onset: 10, apex: 20, intervals: [], ...fields };
}
const au = (n: number, intensity: 'A' | 'B' | 'C' | 'D' | 'E' = 'C', side: 'B' | 'L' | 'R' = 'B') => ({ au: n, side, intensity });
const quick = { resamples: 200, seed: 7 };

describe('evaluate: AU detection', () => {
  it('counts per AU against the label, with the FACS rule for alternatives, `?` codes and a `?` label', () => {
    const cases: EvaluationCase[] = [
      { label: label({ aus: '1+2' }), prediction: prediction({ aus: [au(1), au(2)] }) },
      // Alternatives: the first reading (12) is scored, 14 is not.
      { label: label({ aus: '12 or 14' }), prediction: prediction({ aus: [au(14)] }) },
      // A code marked `4?` counts as present.
      { label: label({ aus: '4?' }), prediction: prediction({ aus: [au(4)] }) },
      // The coder could not tell: left out of the AU figures.
      { label: label({ aus: '?' }), prediction: prediction({ aus: [au(4)] }) },
    ];
    const { aus } = evaluate(cases, quick);
    expect(aus).toMatchObject({ n: 3, uncertainLabels: 1, alternatives: 1, uncertainCodes: 1 });
    const byAu = Object.fromEntries(aus.perAu.map((a) => [a.au, a]));
    expect(byAu[1]).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(byAu[12]).toMatchObject({ tp: 0, fp: 0, fn: 1, recall: 0 });
    expect(byAu[14]).toMatchObject({ tp: 0, fp: 1, fn: 0, precision: 0 });
    expect(byAu[4]).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    // F1 per AU: 1, 1, 1, 0, 0 → macro 0.6.
    expect(aus.macroF1.value).toBeCloseTo(0.6, 10);
  });

  it('applies --pred-min to predictions and --label-min to labels (a code without intensity passes any)', () => {
    const cases: EvaluationCase[] = [
      { label: label({ aus: '1A+2' }), prediction: prediction({ aus: [au(1, 'A'), au(2, 'B')] }) },
    ];
    const loose = evaluate(cases, { ...quick, predMin: 'A' }).aus;
    expect(loose.perAu.map((a) => [a.au, a.tp, a.fp, a.fn])).toEqual([[1, 1, 0, 0], [2, 1, 0, 0]]);
    const byDefault = evaluate(cases, quick).aus;
    expect(byDefault.perAu.map((a) => [a.au, a.tp, a.fp, a.fn])).toEqual([[1, 0, 0, 1], [2, 1, 0, 0]]);
    const strict = evaluate(cases, { ...quick, predMin: 'A', labelMin: 'B' }).aus;
    expect(strict.perAu.map((a) => [a.au, a.tp, a.fp, a.fn])).toEqual([[1, 0, 1, 0], [2, 1, 0, 0]]);
  });

  it('AU + side F1 needs the side right; AU F1 does not', () => {
    const cases: EvaluationCase[] = [{ label: label({ aus: 'L12' }), prediction: prediction({ aus: [au(12, 'C', 'R')] }) }];
    const { aus } = evaluate(cases, quick);
    expect(aus.macroF1.value).toBe(1);
    expect(aus.sideMacroF1.value).toBe(0);
  });

  it('names a label the FACS grammar cannot read and leaves it out', () => {
    const bad = label({ aus: '12++' });
    const { aus } = evaluate([{ label: bad, prediction: prediction({ aus: [au(12)] }) }, { label: label({ aus: '1' }), prediction: prediction({ aus: [au(1)] }) }], quick);
    expect(aus.unreadableLabels).toEqual([bad.eventId]);
    expect(aus.n).toBe(1);
  });
});

describe('evaluate: emotion', () => {
  it('maps dataset words to MEGC classes (others excluded) and scores UF1 / UAR with an empty class and no prediction', () => {
    expect([megcClassOf('happiness'), megcClassOf('Repression'), megcClassOf('fear'), megcClassOf('contempt'), megcClassOf('others'), megcClassOf('surprise')]).toEqual([
      'positive', 'negative', 'negative', 'negative', null, 'surprise',
    ]);
    const cases: EvaluationCase[] = [
      { label: label({ emotion: 'disgust' }), prediction: prediction({ label3: 'Negative', emotion: 'disgust' }) },
      { label: label({ emotion: 'repression' }), prediction: prediction({ label3: 'Negative', emotion: 'disgust' }) },
      { label: label({ emotion: 'sadness' }), prediction: prediction({ label3: null }) },
      { label: label({ emotion: 'surprise' }), prediction: prediction({ label3: 'Negative', emotion: 'disgust' }) },
      { label: label({ emotion: 'others' }), prediction: prediction({ label3: 'Negative', emotion: 'others' }) },
    ];
    const { megc, datasetClasses } = evaluate(cases, quick);
    expect(megc).toMatchObject({ n: 4, excluded: 1 });
    // Rows negative, positive, surprise; columns the same then none.
    expect(megc.confusion).toEqual([[2, 0, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]);
    // negative: tp 2, fp 1, fn 1 → F1 2·2/(2·2+1+1) = 2/3; positive: empty (not in the mean); surprise: F1 0.
    expect(megc.classes.map((c) => c.f1)).toEqual([2 / 3, null, 0]);
    expect(megc.uf1.value).toBeCloseTo(1 / 3, 10);
    // Recall: negative 2/3, surprise 0 → UAR 1/3.
    expect(megc.uar.value).toBeCloseTo(1 / 3, 10);
    expect(megc.accuracy).toBe(0.5);
    // CASME II 5-class: sadness folds into others; the model's "others" is right once.
    const [casme] = datasetClasses;
    expect(casme?.name).toBe('CASME II 5-class');
    expect(casme?.n).toBe(5);
    expect(casme?.accuracy).toBeCloseTo(2 / 5, 10);
  });
});

describe('evaluate: timing and spotting', () => {
  it('apex and onset error of spotted events in frames and ms (median, p90); events given the label frames are counted apart', () => {
    const errors = [0, 2, 4, 10];
    const cases: EvaluationCase[] = errors.map((e) => ({ label: label({ fps: 100 }), prediction: prediction({ source: 'spotting', apex: 20 + e, onset: 10 - e }) }));
    cases.push({ label: label(), prediction: prediction({ source: 'user' }) });
    cases.push({ label: label(), prediction: prediction({ source: 'none', onset: null, apex: null }) });
    const { timing } = evaluate(cases, quick);
    expect(timing).toMatchObject({ spotted: 4, givenFrames: 1, notFound: 1 });
    expect(timing.apexFrames.median.value).toBe(3);
    expect(timing.apexFrames.p90.value).toBeCloseTo(quantileSorted([0, 2, 4, 10], 0.9), 10);
    expect(timing.apexFrames.p90.value).toBeCloseTo(8.2, 10);
    expect(timing.onsetMs.median.value).toBe(30);
  });

  it('bins signed apex and onset errors one frame wide over ±30, outliers clamped into the end bins', () => {
    expect(HISTOGRAM_RANGE).toBe(30);
    // Signed apex errors (predicted − labelled); the label's apex is 20, its onset 10.
    const apexErrors = [-45, -30, -3, 0, 0, 2, 29, 30, 31, 100];
    const onsetErrors = [-1, -1, -1, 0, 5, 5, 40, -31, 12, 0];
    const cases: EvaluationCase[] = apexErrors.map((e, i) => ({ label: label(), prediction: prediction({ source: 'spotting', apex: 20 + e, onset: 10 + (onsetErrors[i] as number) }) }));
    // A label without an apex: its onset error counts, it has no apex error.
    cases.push({ label: label({ apex: null }), prediction: prediction({ source: 'spotting', apex: 50, onset: 10 - 7 }) });
    // At the label's frames, and spotting that found nothing: in neither histogram.
    cases.push({ label: label(), prediction: prediction({ source: 'user', apex: 99, onset: 99 }) });
    cases.push({ label: label(), prediction: prediction({ source: 'none', onset: null, apex: null }) });
    const { timing } = evaluate(cases, quick);
    const bins = (entries: [number, number][]) => {
      const counts = new Array<number>(61).fill(0);
      for (const [error, count] of entries) counts[error + 30] = count;
      return counts;
    };
    // −45 and −30 share the first bin, 30, 31 and 100 the last; two beyond on each side.
    expect(timing.apexHistogram).toEqual({ from: -30, counts: bins([[-30, 2], [-3, 1], [0, 2], [2, 1], [29, 1], [30, 3]]), below: 1, above: 2 });
    expect(timing.onsetHistogram).toEqual({ from: -30, counts: bins([[-30, 1], [-7, 1], [-1, 3], [0, 2], [5, 2], [12, 1], [30, 1]]), below: 1, above: 1 });
    expect(timing.apexHistogram.counts.reduce((s, c) => s + c, 0)).toBe(timing.apexFrames.n);
    expect(timing.onsetHistogram.counts.reduce((s, c) => s + c, 0)).toBe(timing.onsetFrames.n);
    // Bounded whatever the errors: a fraction of a frame rounds to its frame, not-a-number is skipped.
    expect(errorHistogram([0.4, -0.6, 1e9, Number.NaN, Number.NEGATIVE_INFINITY], 2)).toEqual({ from: -2, counts: [1, 1, 1, 0, 1], below: 1, above: 1 });
  });

  it('matches intervals one-to-one at IoU ≥ 0.5 within a clip', () => {
    const truth = label({ clipId: 'long', onset: 100, apex: 110, offset: 120 });
    const other = label({ clipId: 'long', onset: 300, apex: 310, offset: 320 });
    const spotted = prediction({ source: 'spotting', onset: 101, apex: 111, intervals: [{ onset: 101, apex: 111, offset: 121 }, { onset: 500, apex: 510, offset: 520 }] });
    const { spotting } = evaluate([{ label: truth, prediction: spotted }, { label: other, prediction: spotted }], quick);
    expect(spotting).toMatchObject({ clips: 1, tp: 1, fp: 1, fn: 1, truths: 2, proposals: 2 });
    expect(spotting.f1.value).toBe(0.5);
  });
});

describe('evaluate: events, groups, errors, intervals', () => {
  it('counts and names a labelled event without an analysis, and one whose analysis is unreadable', () => {
    const missing = label({ aus: '1' });
    const unreadable = label({ aus: '1' });
    const report = evaluate([{ label: label({ aus: '1' }), prediction: prediction({ aus: [au(1)] }) }, { label: missing, prediction: null }, { label: unreadable, prediction: null, unreadable: 'expression: Required' }], quick);
    expect(report).toMatchObject({ labelled: 3, analysed: 1, missingAnalysis: [missing.eventId], unreadableAnalysis: [{ eventId: unreadable.eventId, reason: 'expression: Required' }] });
    expect(report.aus.n).toBe(1);
  });

  it('refuses to evaluate nothing, and options out of range', () => {
    expect(() => evaluate([])).toThrow(AppError);
    expect(() => evaluate([{ label: label(), prediction: null }])).toThrow(/none of the 1 labelled events has a readable analysis/);
    const one = [{ label: label(), prediction: prediction() }];
    expect(() => evaluate(one, { predMin: 'X' as 'A' })).toThrow(/--pred-min/);
    expect(() => evaluate(one, { resamples: -1 })).toThrow(/--resamples/);
  });

  it('groups by subject, each group with its own figures', () => {
    const cases = ['01', '01', '02'].map((subject) => ({ label: label({ subject, aus: '1' }), prediction: prediction({ aus: [au(1)] }) }));
    const report = evaluate(cases, { ...quick, by: 'subject' });
    expect(report.groups.map((g) => [g.key, g.labelled])).toEqual([['casme2/01', 2], ['casme2/02', 1]]);
  });

  it('the bootstrap is seeded: the same seed gives the same interval, which holds the value; another seed another interval', () => {
    const cases: EvaluationCase[] = Array.from({ length: 60 }, (_, i) => ({ label: label({ aus: i % 3 ? '1' : '2' }), prediction: prediction({ aus: [au(i % 4 ? 1 : 2)] }) }));
    const a = evaluate(cases, { resamples: 500, seed: 1 }).aus.macroF1;
    const b = evaluate(cases, { resamples: 500, seed: 1 }).aus.macroF1;
    const c = evaluate(cases, { resamples: 500, seed: 2 }).aus.macroF1;
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.low as number).toBeLessThan(a.value as number);
    expect(a.high as number).toBeGreaterThan(a.value as number);
  });

  it('the percentile interval of a mean over coin flips is near the normal one', () => {
    const units = Array.from({ length: 400 }, (_, i) => ({ dims: i % 2 ? [0, 1] : [0] }));
    const [[mean] = []] = bootstrapEstimates(400, [{ units, size: 2, statistics: (s: Float64Array) => [(s[1] as number) / (s[0] as number)] }], { resamples: 2000, seed: 3 });
    // 0.5 ± 1.96 · sqrt(0.25 / 400) = 0.5 ± 0.049.
    expect(mean?.value).toBe(0.5);
    expect(mean?.low).toBeCloseTo(0.451, 1);
    expect(mean?.high).toBeCloseTo(0.549, 1);
  });
});

describe('compareRuns: two analysis runs side by side', () => {
  const labels = Array.from({ length: 40 }, (_, i) => label({ aus: i % 2 ? '1+2' : '4', emotion: i % 2 ? 'surprise' : 'disgust' }));
  const right = (l: EvaluationLabel) => prediction({ aus: l.aus === '4' ? [au(4)] : [au(1), au(2)], label3: l.emotion === 'surprise' ? 'Surprise' : 'Negative' });
  const wrong = (l: EvaluationLabel) => prediction({ aus: l.aus === '4' ? [au(1)] : [au(4)], label3: l.emotion === 'surprise' ? 'Negative' : 'Surprise' });

  it('A − B with a paired interval: a better run is better beyond the interval, the same run differs by exactly 0', () => {
    const a = labels.map((l) => ({ label: l, prediction: right(l) }));
    const b = labels.map((l, i) => ({ label: l, prediction: i % 4 === 0 ? right(l) : wrong(l) }));
    const better = compareRuns(a, b, quick);
    const uf1 = better.rows.find((r) => r.metric === 'MEGC UF1');
    expect(uf1?.a.value).toBe(1);
    expect(uf1?.difference.value).toBeCloseTo(1 - (uf1?.b.value as number), 10);
    expect(uf1?.difference.low as number).toBeGreaterThan(0);
    const same = compareRuns(a, a, quick).rows.find((r) => r.metric === 'AU macro F1');
    expect(same?.difference).toEqual({ value: 0, low: 0, high: 0 });
  });

  it('compares only events both runs analysed, and says how many were left out', () => {
    const a = labels.map((l) => ({ label: l, prediction: right(l) }));
    const b = labels.map((l, i) => ({ label: l, prediction: i < 5 ? null : right(l) }));
    expect(compareRuns(a, b, quick)).toMatchObject({ paired: 35, unpaired: 5 });
    expect(() => compareRuns(a, b.slice(1), quick)).toThrow(/same labelled events/);
    expect(() => compareRuns(a, labels.map((l) => ({ label: l, prediction: null })), quick)).toThrow(/no labelled event has an analysis from both runs/);
  });
});

describe('evaluationHtml: the plots', () => {
  // Ten events analysed with spotting: known signed apex errors, known emotions, AUs 1 and 2.
  const apexErrors = [-45, -30, -3, 0, 0, 2, 29, 30, 31, 100];
  const emotions: [string, EvaluationPrediction['label3']][] = [
    ['disgust', 'Negative'], ['disgust', 'Negative'], ['repression', 'Surprise'], ['sadness', null], ['happiness', 'Positive'],
    ['happiness', 'Positive'], ['happiness', 'Negative'], ['surprise', 'Surprise'], ['surprise', 'Negative'], ['others', 'Negative'],
  ];
  const cases: EvaluationCase[] = apexErrors.map((e, i) => ({
    label: label({ aus: i % 3 ? '1' : '2', emotion: emotions[i]?.[0] as string }),
    prediction: prediction({ source: 'spotting', apex: 20 + e, onset: 10, aus: [au(i % 4 ? 1 : 2)], label3: emotions[i]?.[1] as EvaluationPrediction['label3'] }),
  }));
  const report = evaluate(cases, quick);
  const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  const html = evaluationHtml(report, { reference: 'dataset', analysis: 'latest', models: [], softwareVersion: 'test', chartJs, generatedAt: new Date(0) });

  /** Runs the report's scripts with the real Chart.js on stand-in canvases whose 2D context records every call. */
  function drawCharts() {
    const calls = new Map<string, unknown[][]>();
    const canvases = new Map<string, object>();
    const canvasOf = (id: string) => {
      if (!html.includes(`<canvas id="${id}"`)) return null;
      const log: unknown[][] = [];
      calls.set(id, log);
      const canvas: Record<string, unknown> = { width: 900, height: 260 };
      const state: Record<string | symbol, unknown> = { canvas };
      const ctx = new Proxy(state, {
        get: (target, prop) => {
          if (prop in target) return target[prop];
          if (prop === 'measureText') return (text: string) => ({ width: String(text).length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
          return (...args: unknown[]) => log.push([prop, ...args]);
        },
        set: (target, prop, value) => {
          target[prop] = value;
          return true;
        },
      });
      canvas.getContext = () => ctx;
      canvases.set(id, canvas);
      return canvas;
    };
    const context = createContext({ document: { getElementById: canvasOf }, console });
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(2);
    for (const script of scripts) runInContext(script, context);
    const Chart = context.Chart as { getChart: (canvas: object) => ChartLike | undefined };
    const chart = (id: string) => Chart.getChart(canvases.get(id) as object) as ChartLike;
    return { calls, chart };
  }
  interface ChartLike {
    data: { labels: string[]; datasets: { data: number[]; intervals?: ([number, number] | null)[] }[] };
    scales: { y: { getPixelForValue: (v: number) => number } };
    getDatasetMeta: (d: number) => { data: { x: number; y: number }[] };
  }
  const drawn = drawCharts();
  /** Vertical strokes through a bar's centre: moveTo(x, y1) then lineTo(x, y2), as [x, y1, y2]. */
  const whiskers = (log: unknown[][], xs: readonly number[]) =>
    log.flatMap(([op, x, y], i) => {
      const next = log[i + 1];
      return op === 'moveTo' && xs.includes(x as number) && next?.[0] === 'lineTo' && next[1] === x && next[2] !== y ? [[x, y, next[2]]] : [];
    });

  it('draws the apex- and onset-error histograms from the binned signed errors, outliers in the end bins', () => {
    const counts = new Array<number>(61).fill(0);
    for (const [error, count] of [[-30, 2], [-3, 1], [0, 2], [2, 1], [29, 1], [30, 3]] as const) counts[error + 30] = count;
    const apex = drawn.chart('all-apex-error');
    expect(apex.data.datasets[0]?.data).toEqual(counts);
    expect(apex.data.labels).toHaveLength(61);
    expect([apex.data.labels[0], apex.data.labels[27], apex.data.labels[30], apex.data.labels[59], apex.data.labels[60]]).toEqual(['≤ −30', '−3', '0', '29', '≥ 30']);
    expect(html).toContain('Apex error: 10 events · 1 below −30 and 2 above 30 frames, counted in the end bins');
    // Every onset was exact: one bar of ten at 0.
    expect(drawn.chart('all-onset-error').data.datasets[0]?.data).toEqual(counts.map((_, i) => (i === 30 ? 10 : 0)));
    // The bars were drawn (a rect per non-empty bin at least).
    expect(drawn.calls.get('all-apex-error')?.some(([op]) => op === 'fillRect' || op === 'fill')).toBe(true);
  });

  it('draws each per-AU F1 bar with its 95 % interval as a whisker from low to high', () => {
    const au = drawn.chart('all-au');
    const perAu = report.aus.perAu;
    expect(au.data.datasets[0]?.data).toEqual(perAu.map((a) => a.f1.value));
    expect(au.data.datasets[0]?.intervals).toEqual(perAu.map((a) => [a.f1.low, a.f1.high]));
    const bars = au.getDatasetMeta(0).data;
    expect(perAu.length).toBe(2);
    const expected = perAu.map((a, i) => [bars[i]?.x, au.scales.y.getPixelForValue(a.f1.low as number), au.scales.y.getPixelForValue(a.f1.high as number)]);
    // Real intervals: the ends of each are different pixels, low below high.
    for (const [, low, high] of expected) expect(low as number).toBeGreaterThan(high as number);
    expect(whiskers(drawn.calls.get('all-au') as unknown[][], bars.map((b) => b.x))).toEqual(expected);
    // The histograms carry no intervals: no whisker through any of their bars.
    const apex = drawn.chart('all-apex-error');
    expect(whiskers(drawn.calls.get('all-apex-error') as unknown[][], apex.getDatasetMeta(0).data.map((b) => b.x))).toEqual([]);
  });

  it('draws the confusion matrix as a heat map: each cell its count and its share of the row', () => {
    // Rows negative, positive, surprise; columns the same then none; "others" excluded.
    expect(report.megc.confusion).toEqual([[2, 0, 1, 1], [1, 2, 0, 0], [1, 0, 1, 0]]);
    const table = html.match(/<table class="heat">[\s\S]*?<\/table>/)?.[0] as string;
    const cells = [...table.matchAll(/<td class="num" data-share="([\d.]+)" style="background:([^;]+);color:([^"]+)">(\d+)<small>([^<]+)<\/small><\/td>/g)].map((m) => [m[4], m[5], m[1]]);
    expect(cells).toEqual([
      ['2', '50 %', '0.500'], ['0', '0 %', '0.000'], ['1', '25 %', '0.250'], ['1', '25 %', '0.250'],
      ['1', '33 %', '0.333'], ['2', '67 %', '0.667'], ['0', '0 %', '0.000'], ['0', '0 %', '0.000'],
      ['1', '50 %', '0.500'], ['0', '0 %', '0.000'], ['1', '50 %', '0.500'], ['0', '0 %', '0.000'],
    ]);
    // White for none of the row, darker with the share; white text on the dark cells.
    expect(table).toContain('data-share="0.000" style="background:rgb(255,255,255);color:#1b1f24"');
    expect(table).toContain('data-share="0.667" style="background:rgb(107,141,178);color:#fff"');
    expect(table).toMatch(/<th>negative<\/th>.*<td class="meta">4<\/td><\/tr>/);
  });

  it('without spotted events writes no histogram, without Chart.js no script', () => {
    const given = evaluate([{ label: label({ aus: '1' }), prediction: prediction({ aus: [au(1)] }) }], quick);
    const tablesOnly = evaluationHtml(given, { reference: 'dataset', analysis: 'latest', models: [], softwareVersion: 'test', chartJs: null });
    expect(tablesOnly).not.toContain('apex-error');
    expect(tablesOnly).not.toContain('<script');
  });
});
