import { formatFps } from '@shared/fps';
import type { Language } from '@shared/language';
import { facsAuSet, type FacsParser } from '../agreement/au-sets';
import { escapeMarkup as esc } from '../markup';
import { frameToMs } from './eaf';
import { groupBy } from '../group';
import { clipKey, timingFps, UNLABELLED_CODER, type EmbeddedImage, type ExportRecord, type RoiFeature } from './records';
import { REPORT_STRINGS, type ReportStrings } from './report-strings';

export interface SessionReportOptions {
  readonly title?: string;
  /** Embed apex frames and flow overlays as data: URIs. */
  readonly includeImages?: boolean;
  /** FACS string → AUs, for the AU names column (the shared FACS grammar when present). */
  readonly parseFacs?: FacsParser;
  readonly generatedAt?: Date;
  /** The words around the records' text (default en). */
  readonly language?: Language;
}

// Inline only: the report must open and print with no network and no other files.
const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;color:#1b1f24;margin:24px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px}
.meta{color:#556;font-size:12px}.event{border:1px solid #d5d9e0;border-radius:6px;padding:10px 14px;margin:10px 0;break-inside:avoid}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;vertical-align:top;border-bottom:1px solid #eef}
th{width:170px;color:#445;font-weight:600}.images{display:flex;gap:12px;margin-top:8px}figure{margin:0}
img{max-width:320px;max-height:260px;border:1px solid #ccd}figcaption{font-size:12px;color:#556}
.decision-approved{color:#146c2e;font-weight:600}.decision-rejected{color:#a4161a;font-weight:600}.decision-needs-changes{color:#9a6700;font-weight:600}
@media print{body{margin:0}.event{border-color:#999}}
`;

function dataUri(image: EmbeddedImage): string {
  return `data:${image.mime};base64,${Buffer.from(image.data).toString('base64')}`;
}

function frameCell(frame: number, fps: number): string {
  return `${frame} <span class="meta">(${(frameToMs(frame, fps) / 1000).toFixed(3)} s)</span>`;
}

/** Names of the AUs the code scores (the coder's text itself is shown as written beside them). */
function auNames(facs: string, parse: FacsParser, s: ReportStrings): string {
  try {
    const aus = parse(facs);
    if (aus === null) return s.ausNotDetermined;
    return aus.map(({ au, side }) => `${side ?? ''}AU${au} ${s.auName(au)}`.trim()).join(', ');
  } catch {
    return '';
  }
}

const STRONGEST_ROIS = 5;

/** The few ROIs that moved most (mean expression-flow magnitude), as the clinician reads them. */
function strongestRois(features: readonly RoiFeature[], s: ReportStrings): string {
  return [...features]
    .sort((a, b) => b.meanMagnitude - a.meanMagnitude)
    .slice(0, STRONGEST_ROIS)
    .map((feature) => `${esc(s.region(feature.region))}: ${feature.meanMagnitude.toFixed(3)} px, ${esc(s.direction(feature.direction))}${feature.readFrom ? ` <span class="meta">${esc(s.readFrom[feature.readFrom])}</span>` : ''}`)
    .join('<br>');
}

function eventHtml(record: ExportRecord, options: SessionReportOptions, s: ReportStrings): string {
  const row = (label: string, html: string) => `<tr><th>${label}</th><td>${html}</td></tr>`;
  const parse = options.parseFacs ?? facsAuSet;
  const decision = record.review ? `<span class="decision-${record.review}">${esc(s.decision[record.review] ?? record.review)}</span>` : s.notReviewed;
  const figures: string[] = [];
  if (options.includeImages && record.apexImage) figures.push(`<figure><img alt="${s.apexAlt}" src="${esc(dataUri(record.apexImage))}"><figcaption>${s.apexFrame(record.apex)}</figcaption></figure>`);
  if (options.includeImages && record.flowOverlay) figures.push(`<figure><img alt="${s.flowAlt}" src="${esc(dataUri(record.flowOverlay))}"><figcaption>${s.flowFigure}</figcaption></figure>`);
  return (
    `<section class="event"><table>` +
    row(s.rows.event, esc(record.eventId)) +
    row(s.rows.frames, `${frameCell(record.onset, timingFps(record))} / ${frameCell(record.apex, timingFps(record))} / ${frameCell(record.offset, timingFps(record))}`) +
    (record.expressionClass ? row(s.rows.class, s.expressionClass(record.expressionClass, String(record.durationMs ?? '?'))) : '') +
    row(s.rows.aus, `${esc(record.aus || '—')}<div class="meta">${esc(auNames(record.aus, parse, s))}</div>`) +
    row(s.rows.emotion, `${esc(record.emotion ? s.emotion(record.emotion) : '—')} / ${esc(record.label3 ? s.label3(record.label3) : '—')}`) +
    (record.flags?.length ? row(s.rows.flags, record.flags.map((flag) => esc(s.flagText[flag] ?? flag)).join(', ')) : '') +
    (record.roiFeatures?.length ? row(s.rows.rois, strongestRois(record.roiFeatures, s)) : '') +
    row(s.rows.description, esc(record.description ?? '—').replaceAll('\n', '<br>')) +
    row(s.rows.annotator, `${esc(s.coder(record.annotator))} <span class="meta">${esc(record.provenance ? s.provenance(record.provenance) : '')}</span>`) +
    row(s.rows.review, `${decision}${record.reviewer ? esc(s.by(record.reviewer)) : ''}${record.reviewComment ? `<div>${esc(record.reviewComment)}</div>` : ''}`) +
    `</table>${figures.length ? `<div class="images">${figures.join('')}</div>` : ''}</section>\n`
  );
}

/**
 * A self-contained, printable HTML session report: one section per clip, one card per
 * annotated event. Every piece of record text is HTML-escaped; images are data: URIs.
 */
export function* sessionReportHtml(records: readonly ExportRecord[], options: SessionReportOptions = {}): Generator<string> {
  const s = REPORT_STRINGS[options.language ?? 'en'];
  const title = options.title ?? s.title;
  const generated = (options.generatedAt ?? new Date()).toISOString();
  const unlabelled = records.filter((record) => record.annotator === UNLABELLED_CODER).length;
  // Two coders' labels of one event are one annotated event.
  const annotated = new Set(records.filter((record) => record.annotator !== UNLABELLED_CODER).map((record) => `${clipKey(record)}\u0000${record.eventId}`)).size;
  yield `<!DOCTYPE html>\n<html lang="${s.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>\n` +
    `<h1>${esc(title)}</h1><div class="meta">${esc(s.generated(generated, annotated, records.length - unlabelled, unlabelled))}</div>\n`;
  for (const group of groupBy(records, clipKey).values()) {
    const first = group[0] as ExportRecord;
    const filmedAt = timingFps(first) !== first.fps ? formatFps(timingFps(first)) : null;
    yield `<h2>${esc(first.clipName)}</h2><div class="meta">${esc(s.clipMeta(first.dataset, first.subject, first.frameCount, formatFps(first.fps), filmedAt, formatFps(timingFps(first))))}</div>\n`;
    for (const record of [...group].sort((a, b) => a.onset - b.onset)) yield eventHtml(record, options, s);
  }
  yield '</body></html>\n';
}
