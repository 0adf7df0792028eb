import { escapeMarkup as esc } from '../markup';
import type { ClassSection, ErrorHistogram, Estimate, EvaluationFigures, EvaluationReport, QuantileFigure } from './types';

/**
 * The evaluation as one self-contained, printable HTML file: the figures as tables, the
 * plots drawn by Chart.js inlined from the app's own copy (no network, no other files),
 * and the exact settings (reference, analysis run, models, thresholds, resamples, seed,
 * software version).
 */

export interface EvaluationHtmlOptions {
  /** Whose labels were the truth, and which analysis of each event was scored. */
  readonly reference: string;
  readonly analysis: string;
  /** The models of the analyses scored (id and version). */
  readonly models: readonly { readonly id: string; readonly version: string }[];
  readonly softwareVersion: string;
  /** Chart.js's UMD build, inlined; null writes the tables without plots. */
  readonly chartJs: string | null;
  readonly generatedAt?: Date;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;color:#1b1f24;margin:24px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#556;font-size:12px}table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:3px 10px;border-bottom:1px solid #eef}
th{color:#445;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}.note{background:#f6f8fa;border-left:3px solid #9aa;padding:6px 10px;margin:8px 0}
canvas{max-width:100%;break-inside:avoid}section{break-inside:avoid}
table.heat td.num{min-width:64px;border:1px solid #fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}table.heat td.num small{display:block;font-size:11px;opacity:.85}
@media print{body{margin:0}}
`;

const num = (v: number | null, digits = 3): string => (v === null ? '—' : v.toFixed(digits));
const est = (e: Estimate, digits = 3): string => (e.value === null ? '—' : `${num(e.value, digits)} <span class="meta">[${num(e.low, digits)}, ${num(e.high, digits)}]</span>`);

function row(cells: readonly string[], header = false, numeric = true): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c, i) => `<${tag}${!header && numeric && i > 0 ? ' class="num"' : ''}>${c}</${tag}>`).join('')}</tr>`;
}

const setting = (name: string, value: string): string => row([name, value], false, false);

/** A chart the inline script draws: its canvas id and its Chart.js configuration. */
interface ChartSpec {
  readonly id: string;
  readonly config: unknown;
}

/**
 * Chart.js has no error bars: this plugin (inlined as source, registered once) draws, for
 * every visible dataset carrying `intervals` ([low, high] or null per bar), a whisker from
 * low to high with caps through the middle of each bar.
 */
export const ERROR_BARS_PLUGIN = `{
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const y = chart.scales.y;
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, d) => {
      if (!Array.isArray(ds.intervals) || !chart.isDatasetVisible(d)) return;
      const bars = chart.getDatasetMeta(d).data;
      ctx.save();
      ctx.strokeStyle = '#1b1f24';
      ctx.lineWidth = 1.5;
      ds.intervals.forEach((iv, i) => {
        const bar = bars[i];
        if (!bar || !Array.isArray(iv) || typeof iv[0] !== 'number' || typeof iv[1] !== 'number') return;
        const low = y.getPixelForValue(iv[0]);
        const high = y.getPixelForValue(iv[1]);
        const cap = Math.min(6, (bar.width || 12) / 4);
        ctx.beginPath();
        ctx.moveTo(bar.x, low);
        ctx.lineTo(bar.x, high);
        ctx.moveTo(bar.x - cap, low);
        ctx.lineTo(bar.x + cap, low);
        ctx.moveTo(bar.x - cap, high);
        ctx.lineTo(bar.x + cap, high);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
}`;

/** Bars of a figure with its 95 % interval drawn over each as an error bar (ERROR_BARS_PLUGIN). */
function intervalBars(id: string, labels: readonly string[], values: readonly Estimate[], label: string): ChartSpec {
  return {
    id,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: `${label} (whiskers: 95 % interval)`,
            data: values.map((v) => v.value),
            intervals: values.map((v) => (v.low === null || v.high === null ? null : [v.low, v.high])),
            backgroundColor: '#4c78a8',
          },
        ],
      },
      options: { animation: false, responsive: false, scales: { y: { min: 0, max: 1 } } },
    },
  };
}

/** The bins' labels: each frame, the end bins "≤ −range" and "≥ range". */
export function histogramLabels(h: ErrorHistogram): string[] {
  const last = h.counts.length - 1;
  const frames = (v: number) => (v < 0 ? `−${-v}` : String(v));
  return h.counts.map((_, i) => (i === 0 ? `≤ ${frames(h.from)}` : i === last ? `≥ ${frames(h.from + last)}` : frames(h.from + i)));
}

/** A histogram of signed errors in frames, one bar per frame. */
function histogramChart(id: string, h: ErrorHistogram, label: string, colour: string): ChartSpec {
  return {
    id,
    config: {
      type: 'bar',
      data: { labels: histogramLabels(h), datasets: [{ label, data: [...h.counts], backgroundColor: colour, barPercentage: 1, categoryPercentage: 0.95 }] },
      options: {
        animation: false,
        responsive: false,
        scales: { x: { title: { display: true, text: 'predicted − labelled (frames)' } }, y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'events' } } },
      },
    },
  };
}

function histogramHtml(id: string, h: ErrorHistogram, what: string): string {
  const n = h.counts.reduce((sum, c) => sum + c, 0);
  const last = h.from + h.counts.length - 1;
  return `<canvas id="${id}" width="900" height="200"></canvas>
<p class="meta">${what}: ${n} events · ${h.below} below −${-h.from} and ${h.above} above ${last} frames, counted in the end bins</p>`;
}

/** A cell's background by its share of the row: white at 0 to dark blue at 1. */
export function heatColour(share: number): string {
  const mix = (to: number) => Math.round(255 - share * (255 - to));
  return `rgb(${mix(33)},${mix(84)},${mix(140)})`;
}

/** The confusion matrix as a heat map: each cell its count and its share of the row, coloured by that share. */
function confusionHeat(s: ClassSection): string {
  const columns = [...s.classes.map((c) => c.label), 'none'];
  const rows = s.confusion.map((r, i) => {
    const total = r.reduce((sum, v) => sum + v, 0);
    const cells = r.map((v) => {
      const share = total ? v / total : 0;
      const text = share > 0.55 ? '#fff' : '#1b1f24';
      return `<td class="num" data-share="${share.toFixed(3)}" style="background:${heatColour(share)};color:${text}">${v}<small>${total ? `${Math.round(share * 100)} %` : '—'}</small></td>`;
    });
    return `<tr><th>${esc(s.classes[i]?.label ?? '')}</th>${cells.join('')}<td class="meta">${total}</td></tr>`;
  });
  return `<table class="heat"><caption class="meta">Confusion: rows labelled, columns predicted; each cell its count and its share of the row (colour)</caption>${row(['', ...columns.map(esc), 'events'], true)}${rows.join('')}</table>`;
}

function classTable(s: ClassSection): string {
  return `<h3>${esc(s.name)}</h3>
<p>UF1 ${est(s.uf1)} · UAR ${est(s.uar)} · accuracy ${num(s.accuracy)} · n ${s.n} · ${s.excluded} excluded (no class)</p>
<table>${row(['class', 'events', 'predicted', 'F1', 'recall'], true)}${s.classes.map((c) => row([esc(c.label), String(c.support), String(c.predicted), num(c.f1), num(c.recall)])).join('')}</table>
${confusionHeat(s)}`;
}

function quantileRow(name: string, q: QuantileFigure, unit: string): string {
  return row([`${name} (${unit})`, String(q.n), est(q.median, 1), est(q.p90, 1)]);
}

function figuresHtml(f: EvaluationFigures, prefix: string, charts: ChartSpec[]): string {
  const { aus, timing: t, spotting: s } = f;
  const auChart = `${prefix}-au`;
  const spotChart = `${prefix}-spot`;
  const apexChart = `${prefix}-apex-error`;
  const onsetChart = `${prefix}-onset-error`;
  charts.push(intervalBars(auChart, aus.perAu.map((a) => `AU${a.au}`), aus.perAu.map((a) => a.f1), 'F1'));
  if (s.clips) charts.push(intervalBars(spotChart, ['precision', 'recall', 'F1'], [s.precision, s.recall, s.f1], 'spotting'));
  if (t.spotted) {
    charts.push(histogramChart(apexChart, t.apexHistogram, 'apex error', '#4c78a8'));
    charts.push(histogramChart(onsetChart, t.onsetHistogram, 'onset error', '#f58518'));
  }
  const histograms = t.spotted ? `${histogramHtml(apexChart, t.apexHistogram, 'Apex error')}${histogramHtml(onsetChart, t.onsetHistogram, 'Onset error')}` : '';
  const missing = f.missingAnalysis.length ? `<p class="note">Without analysis (${f.missingAnalysis.length}): events ${esc(f.missingAnalysis.slice(0, 200).join(', '))}${f.missingAnalysis.length > 200 ? ' …' : ''}</p>` : '';
  const unreadable = f.unreadableAnalysis.length ? `<p class="note">Analysis unreadable (${f.unreadableAnalysis.length}): ${f.unreadableAnalysis.slice(0, 50).map((u) => `event ${esc(u.eventId)}: ${esc(u.reason)}`).join('; ')}</p>` : '';
  return `<p>${f.labelled} labelled events · ${f.analysed} analysed · ${f.missingAnalysis.length} without analysis · ${f.unreadableAnalysis.length} unreadable</p>${missing}${unreadable}
<section><h3>AU detection</h3>
<p>macro F1 ${est(aus.macroF1)} · AU + side macro F1 ${est(aus.sideMacroF1)} · n ${aus.n} · ${aus.uncertainLabels} labels “?” left out · ${aus.alternatives} with alternatives · ${aus.uncertainCodes} codes marked ? · ${aus.unreadableLabels.length} unreadable</p>
<canvas id="${auChart}" width="900" height="260"></canvas>
<table>${row(['AU', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1 [95 %]'], true)}${aus.perAu.map((a) => row([`AU${a.au}`, String(a.tp), String(a.fp), String(a.fn), num(a.precision), num(a.recall), est(a.f1)])).join('')}</table></section>
<section><h3>Emotion</h3>${classTable(f.megc)}${f.datasetClasses.map(classTable).join('')}</section>
<section><h3>Timing</h3><p>${t.spotted} events analysed with spotting · ${t.givenFrames} at the label's frames · ${t.notFound} where spotting found nothing</p>
<table>${row(['error', 'n', 'median [95 %]', 'p90 [95 %]'], true)}${quantileRow('apex', t.apexFrames, 'frames')}${quantileRow('apex', t.apexMs, 'ms')}${quantileRow('onset', t.onsetFrames, 'frames')}${quantileRow('onset', t.onsetMs, 'ms')}</table>${histograms}</section>
<section><h3>Spotting (IoU ≥ 0.5, one-to-one)</h3><p>${s.clips} clips · ${s.truths} labelled intervals · ${s.proposals} proposed · TP ${s.tp} FP ${s.fp} FN ${s.fn}</p>
<p>precision ${est(s.precision)} · recall ${est(s.recall)} · F1 ${est(s.f1)}</p>${s.clips ? `<canvas id="${spotChart}" width="420" height="220"></canvas>` : ''}</section>`;
}

/** JSON inside a script element: `<` escaped so no text can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export function evaluationHtml(report: EvaluationReport, options: EvaluationHtmlOptions): string {
  const charts: ChartSpec[] = [];
  const st = report.settings;
  const overall = figuresHtml(report, 'all', charts);
  const groups = report.groups.map((g, i) => `<h2>${esc(st.by ?? '')} ${esc(g.key)}</h2>${figuresHtml(g, `g${i}`, charts)}`).join('');
  const models = options.models.length ? options.models.map((m) => `${esc(m.id)} ${esc(m.version)}`).join(', ') : '—';
  const plots = options.chartJs
    ? `<script>${options.chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>Chart.register(${ERROR_BARS_PLUGIN});
for (const c of ${scriptJson(charts)}) { const el = document.getElementById(c.id); if (el) new Chart(el, c.config); }</script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation against ${esc(options.reference)}</title><style>${STYLE}</style></head><body>
<h1>Evaluation against ${esc(options.reference)}</h1>
<p class="meta">Generated ${esc((options.generatedAt ?? new Date()).toISOString())} by MELLM Workstation ${esc(options.softwareVersion)}</p>
<table>${setting('reference', esc(options.reference))}${setting('analysis', esc(options.analysis))}${setting('models', models)}${setting('AU thresholds', `predictions from ${esc(st.predMin)}, labels from ${esc(st.labelMin)}`)}${setting('intervals', `95 % percentile bootstrap, ${st.resamples} resamples, seed ${st.seed}`)}${setting('spotting match', `IoU ≥ ${st.iou}, one-to-one`)}</table>
<p class="note">Zero-shot: the model was not trained on this corpus. Published MEGC composite figures come from leave-one-subject-out training and are not comparable one to one.</p>
<p class="meta">AU labels: ${esc(report.aus.rule)}</p>
<h2>All events</h2>${overall}${groups}${plots}
</body></html>
`;
}
