import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { CASME_COLUMNS, eafDocument, exportCorpus, instructionJsonl, megcRecognitionCsv, motionCsv, sessionReportHtml, type ExportRecord } from '../../../src/main/corpus/export';
import { HOSTILE, hostileRecords, makeRecord } from '../../helpers/corpus-records';
import { useTempDir } from '../../helpers/tmp';

/** A strict RFC 4180 reader (quotes, doubled quotes, embedded CR/LF), undoing the formula guard. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(field); field = ''; }
    else if (char === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 1; }
    else field += char;
  }
  expect(quoted).toBe(false);
  expect(field).toBe('');
  return rows.map((cells) => cells.map((cell) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell)));
}

const expectedSheet = (records: ExportRecord[]) => records.map((record) => {
  const frames = record.datasetFrames ?? { onset: record.onset + 46, apex: record.apex + 46, offset: record.offset + 46 };
  return [record.subject, record.clipName, String(frames.onset), String(frames.apex), String(frames.offset), record.aus, record.emotion ?? ''];
});

interface XmlElement { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [], text: '' }];
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: tag.name, attributes: Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)])), children: [], text: '' };
    stack.at(-1)!.children.push(element);
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag) => { if (!tag.isSelfClosing) stack.pop(); });
  parser.on('text', (text) => { stack.at(-1)!.text += text; });
  parser.on('error', (error) => { throw error; });
  parser.write(xml).close();
  return stack[0]!.children[0]!;
}

const all = (element: XmlElement, name: string): XmlElement[] => [
  ...element.children.filter((child) => child.name === name),
  ...element.children.flatMap((child) => all(child, name)),
];

describe('CASME II sheet', () => {
  const tempDir = useTempDir();

  it('round-trips through CSV with hostile names and the dataset’s own frame numbers', async () => {
    const folder = tempDir();
    const records = hostileRecords();
    await exportCorpus({ folder, formats: ['casme-csv'], records });
    const rows = readCsv(readFileSync(join(folder, 'casme2-sheet.csv'), 'utf8'));
    expect(rows[0]).toEqual([...CASME_COLUMNS]);
    expect(rows.slice(1)).toEqual(expectedSheet(records));
    expect(rows[1]!.slice(2, 5)).toEqual(['46', '59', '86']); // project frames 0/13/40 + img46 offset
  });

  it('round-trips through xlsx read back with exceljs', async () => {
    const folder = tempDir();
    const records = hostileRecords();
    await exportCorpus({ folder, formats: ['casme-xlsx'], records });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(folder, 'casme2-sheet.xlsx'));
    const sheet = workbook.worksheets[0]!;
    const rows: string[][] = [];
    sheet.eachRow((row) => rows.push(CASME_COLUMNS.map((_, index) => String(row.getCell(index + 1).value ?? ''))));
    expect(rows[0]).toEqual([...CASME_COLUMNS]);
    const lf = (cells: string[]) => cells.map((cell) => cell.replace(/\r\n?/g, '\n'));
    expect(rows.slice(1)).toEqual(expectedSheet(records).map(lf));
    expect(typeof sheet.getRow(2).getCell(3).value).toBe('number');
  });
});

describe('MEGC lists', () => {
  it('uses the MEGC 2019 composite ids: negative 0, positive 1, surprise 2', () => {
    const rows = readCsv([...megcRecognitionCsv([...hostileRecords(), makeRecord({ label3: null, eventId: 'none' })])].join(''));
    expect(rows.map((row) => row.slice(3))).toEqual([['label', 'label_id'], ['positive', '1'], ['surprise', '2'], ['negative', '0']]);
  });
});

describe('ELAN EAF 3.0', () => {
  it('writes a well-formed document whose tiers, time slots and values parse back', () => {
    const records = hostileRecords().slice(0, 2).map((record) => ({ ...record, clipName: 'same clip' }));
    const root = parseXml(eafDocument(records, new Date('2026-01-02T03:04:05Z')));
    expect(root.name).toBe('ANNOTATION_DOCUMENT');
    expect(root.attributes).toMatchObject({ FORMAT: '3.0', VERSION: '3.0', DATE: '2026-01-02T03:04:05.000Z' });
    // EAF 3.0 schema order: HEADER, TIME_ORDER, TIER*, LINGUISTIC_TYPE*.
    expect(root.children.map((child) => child.name)).toEqual(['HEADER', 'TIME_ORDER', ...Array(8).fill('TIER'), 'LINGUISTIC_TYPE']);
    expect(all(root, 'MEDIA_DESCRIPTOR')[0]!.attributes.MEDIA_URL).toBe('file:///data/casme2/sub01/EP02_01f.avi');
    const slots = new Map(all(root, 'TIME_SLOT').map((slot) => [slot.attributes.TIME_SLOT_ID, Number(slot.attributes.TIME_VALUE)]));
    const values = [...slots.values()];
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const tiers = all(root, 'TIER');
    const records2 = records.map((record, index) => (index === 1 ? { ...record, annotator: HOSTILE.newline } : record));
    const newlineTier = all(parseXml(eafDocument(records2)), 'TIER').find((tier) => tier.attributes.TIER_ID === `ME@${HOSTILE.newline}`);
    expect(newlineTier?.attributes.ANNOTATOR).toBe(HOSTILE.newline);
    const hostileTier = tiers.find((tier) => tier.attributes.TIER_ID === `emotion@${HOSTILE.quoted}`)!;
    expect(hostileTier.attributes.ANNOTATOR).toBe(HOSTILE.quoted);
    const annotation = all(hostileTier, 'ALIGNABLE_ANNOTATION')[0]!;
    expect(all(annotation, 'ANNOTATION_VALUE')[0]!.text).toBe(HOSTILE.newline);
    // 200 fps: onset frame 0 → 0 ms, offset frame 40 ends at frame 41 → 205 ms.
    expect([slots.get(annotation.attributes.TIME_SLOT_REF1), slots.get(annotation.attributes.TIME_SLOT_REF2)]).toEqual([0, 205]);
    const apex = all(tiers.find((tier) => tier.attributes.TIER_ID === 'apex@alice')!, 'ALIGNABLE_ANNOTATION')[0]!;
    expect(slots.get(apex.attributes.TIME_SLOT_REF1)).toBe(65);
    const ids = all(root, 'ALIGNABLE_ANNOTATION').map((a) => a.attributes.ANNOTATION_ID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all(root, 'PROPERTY')[0]!.text).toBe(String(ids.length));
  });

  it('writes one file per clip with safe names inside eaf/', async () => {
    const folder = useTempDirOnce();
    const { files } = await exportCorpus({ folder, formats: ['eaf'], records: hostileRecords() });
    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.path.startsWith(join(folder, 'eaf') + '/')).toBe(true);
      expect(parseXml(readFileSync(file.path, 'utf8')).name).toBe('ANNOTATION_DOCUMENT');
    }
  });
  const useTempDirOnce = useTempDir();
});

describe('JSONL and motion CSV', () => {
  it('writes one MELLM example per record with a prompt, one line each', () => {
    const lines = [...instructionJsonl(hostileRecords())].join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const second = JSON.parse(lines[1]!);
    expect(second).toMatchObject({ response: HOSTILE.script, clip: HOSTILE.script, annotator: HOSTILE.quoted, label: 'surprise' });
    expect(second.prompt).toContain('\n');
    expect(JSON.parse(lines[0]!).response).toBe('Right lip corner pulled up briefly.');
    const features = [{ region: HOSTILE.script, meanMagnitude: 0.5, maxMagnitude: 1, direction: 'up (88°)' }];
    const built = [...instructionJsonl([makeRecord({ prompt: null, roiFeatures: features })], (rois) => `ROIs: ${rois.map((roi) => roi.region).join(';')}`)];
    expect(JSON.parse(built[0]!).prompt).toBe(`ROIs: ${HOSTILE.script}`);
    expect([...instructionJsonl([makeRecord({ prompt: null, roiFeatures: features })])]).toEqual([]);
    const fallback = [...instructionJsonl([makeRecord({ description: null })])][0]!;
    expect(JSON.parse(fallback).response).toBe('Action Units: R12+L4. Micro-expression: Positive.');
  });

  it('writes OpenFace-like per-frame rows once per event', () => {
    const motion = [0, 1, 2].map((frame) => ({ frame, facePresent: frame !== 1, roiMagnitudes: { Chin: frame * 0.5, 'Left Inner Eyebrow': 0.25 }, auEvidence: { 12: 0.9, 4: frame / 10 } }));
    const records = [makeRecord({ motion }), makeRecord({ annotator: 'bob', motion })];
    const rows = readCsv([...motionCsv(records)].join(''));
    expect(rows).toHaveLength(4);
    const header = rows[0]!;
    expect(header.slice(0, 7)).toEqual(['dataset', 'subject', 'clip', 'event', 'frame', 'timestamp', 'success']);
    expect(header.slice(-2)).toEqual(['AU4_evidence', 'AU12_evidence']);
    const row2 = Object.fromEntries(header.map((name, index) => [name, rows[3]![index]]));
    expect(row2).toMatchObject({ frame: '2', timestamp: '0.01', success: '1', roi_chin_mag: '1', roi_left_inner_eyebrow_mag: '0.25', roi_right_cheek_mag: '', AU4_evidence: '0.2' });
    expect(rows[2]![6]).toBe('0');
    const odd = readCsv([...motionCsv([makeRecord({ motion: [{ frame: 3, facePresent: true, roiMagnitudes: { Chin: -0.12345, 'Right Cheek': 0.00004, 'Left Cheek': 1e21 }, auEvidence: { 1: Number.NaN } }] })])].join(''));
    const cells = Object.fromEntries(odd[0]!.map((name, index) => [name, odd[1]![index]]));
    expect(cells).toMatchObject({ timestamp: '0.015', roi_chin_mag: '-0.1235', roi_right_cheek_mag: '0', roi_left_cheek_mag: '1e+21', AU1_evidence: '' });
  });
});

describe('session report', () => {
  const image = { mime: 'image/png' as const, data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) };

  it('escapes every text field and references nothing outside the file', () => {
    const html = [...sessionReportHtml(hostileRecords().map((record) => ({ ...record, apexImage: image })), { includeImages: true, title: HOSTILE.script })].join('');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain(HOSTILE.unicode);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*"(?!data:)/i);
    expect(html).not.toMatch(/url\(|@import|<link/i);
    expect(html).toContain(`src="data:image/png;base64,${Buffer.from(image.data).toString('base64')}"`);
    expect(html).toContain('AU12 Lip Corner Puller');
    expect(html).toContain('class="decision-rejected"');
    const rois = [{ region: 'Chin', meanMagnitude: 0.1, maxMagnitude: 1, direction: 'down' }, { region: HOSTILE.script, meanMagnitude: 0.9, maxMagnitude: 2, direction: 'up (88°)' }];
    const withRois = [...sessionReportHtml([makeRecord({ roiFeatures: rois })])].join('');
    expect(withRois).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: 0.900 px, up (88°)<br>Chin: 0.100 px, down');
  });

  it('leaves images out unless asked', () => {
    const html = [...sessionReportHtml([makeRecord({ apexImage: image, flowOverlay: image })])].join('');
    expect(html).not.toContain('<img');
  });
});
