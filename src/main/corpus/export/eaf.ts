import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { xmlAttribute, xmlText } from '../markup';
import { formatFps } from '@shared/fps';
import { timingFps, type ExportRecord } from './records';

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.mov': 'video/quicktime', '.avi': 'video/x-msvideo',
  '.mkv': 'video/x-matroska', '.webm': 'video/webm', '.mpg': 'video/mpeg', '.mpeg': 'video/mpeg',
};

/** Milliseconds of a 0-based frame's start at a frame rate (exports pass the capture rate). */
export function frameToMs(frame: number, fps: number): number {
  return Math.round((frame * 1000) / fps);
}

interface TierAnnotation { start: number; end: number; value: string }

/**
 * One ELAN EAF 3.0 document for one clip, timed at its capture rate (the header's
 * `capture_fps` property). Per annotator: an event tier (onset→offset, value = 3-class
 * label or "ME"), an apex tier (the apex frame), AU and emotion tiers over the same
 * interval, and a tier per class (`micro@…`, `macro@…`). An interval ends at the end of its offset frame.
 * All records must belong to the same clip.
 */
export function eafDocument(records: readonly ExportRecord[], createdAt = new Date()): string {
  const first = records[0];
  const tiers = new Map<string, { annotator: string; annotations: TierAnnotation[] }>();
  const add = (tier: string, annotator: string, annotation: TierAnnotation) => {
    const entry = tiers.get(tier) ?? { annotator, annotations: [] };
    entry.annotations.push(annotation);
    tiers.set(tier, entry);
  };
  for (const record of records) {
    const ms = (frame: number) => frameToMs(frame, timingFps(record));
    const interval = { start: ms(record.onset), end: ms(record.offset + 1) };
    add(`ME@${record.annotator}`, record.annotator, { ...interval, value: record.label3 ?? 'ME' });
    add(`apex@${record.annotator}`, record.annotator, { start: ms(record.apex), end: ms(record.apex + 1), value: 'apex' });
    if (record.aus) add(`AUs@${record.annotator}`, record.annotator, { ...interval, value: record.aus });
    if (record.emotion) add(`emotion@${record.annotator}`, record.annotator, { ...interval, value: record.emotion });
    // One tier per class, so ELAN shows micro- and macro-expressions apart.
    if (record.expressionClass) add(`${record.expressionClass}@${record.annotator}`, record.annotator, { ...interval, value: `${record.expressionClass}-expression` });
  }
  // One time slot per distinct time, numbered in time order as ELAN writes them.
  const times = [...new Set([...tiers.values()].flatMap(({ annotations }) => annotations.flatMap((a) => [a.start, a.end])))].sort((a, b) => a - b);
  const slotOf = new Map(times.map((ms, index) => [ms, index + 1]));
  let annotationId = 0;
  const tierXml: string[] = [];
  for (const [tierId, { annotator, annotations }] of tiers) {
    tierXml.push(`  <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="${xmlAttribute(tierId)}" ANNOTATOR="${xmlAttribute(annotator)}">\n`);
    for (const annotation of annotations.sort((a, b) => a.start - b.start)) {
      annotationId += 1;
      const ref1 = slotOf.get(annotation.start);
      const ref2 = slotOf.get(annotation.end);
      tierXml.push(
        `    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a${annotationId}" TIME_SLOT_REF1="ts${ref1}" TIME_SLOT_REF2="ts${ref2}">` +
          `<ANNOTATION_VALUE>${xmlText(annotation.value)}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>\n`,
      );
    }
    tierXml.push('  </TIER>\n');
  }
  const media = first?.clipPath
    ? `    <MEDIA_DESCRIPTOR MEDIA_URL="${xmlAttribute(pathToFileURL(first.clipPath).href)}" MIME_TYPE="${MIME_BY_EXTENSION[extname(first.clipPath).toLowerCase()] ?? 'video/*'}"/>\n`
    : '';
  const timeSlots = times.map((ms, index) => `    <TIME_SLOT TIME_SLOT_ID="ts${index + 1}" TIME_VALUE="${ms}"/>\n`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ANNOTATION_DOCUMENT AUTHOR="MELLM Workstation" DATE="${createdAt.toISOString()}" FORMAT="3.0" VERSION="3.0" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n' +
    `  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">\n${media}` +
    // The rate the times were computed at: the capture rate, which a re-encoded clip's container does not show.
    (first ? `    <PROPERTY NAME="capture_fps">${formatFps(timingFps(first))}</PROPERTY>\n` : '') +
    `    <PROPERTY NAME="lastUsedAnnotationId">${annotationId}</PROPERTY>\n  </HEADER>\n` +
    `  <TIME_ORDER>\n${timeSlots}  </TIME_ORDER>\n` +
    tierXml.join('') +
    '  <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>\n' +
    '</ANNOTATION_DOCUMENT>\n'
  );
}
