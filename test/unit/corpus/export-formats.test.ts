import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { CASME_COLUMNS, describeSkips, eafDocument, exportCorpus, InstructionTally, instructionJsonl, megcRecognitionCsv, motionCsv, sessionReportHtml, type ExportRecord } from '../../../src/main/corpus/export';
import { promptRoi } from '../../../src/main/corpus/export/jsonl';
import { buildPrompt } from '../../../src/main/analysis/prompt';
import { HOSTILE, hostileRecords, makeRecord, MOUTH_CORNERS_UP } from '../../helpers/corpus-records';
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
  const rate = String(record.captureFps ?? record.fps);
  return [record.subject, record.clipName, String(frames.onset), String(frames.apex), String(frames.offset), record.aus, record.emotion ?? '', record.expressionClass ?? '', String(record.durationMs ?? ''), rate];
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
    await exportCorpus({ folder, formats: ['casme2-csv'], records });
    const rows = readCsv(readFileSync(join(folder, 'casme2-sheet.csv'), 'utf8'));
    expect(rows[0]).toEqual([...CASME_COLUMNS]);
    expect(rows.slice(1)).toEqual(expectedSheet(records));
    expect(rows[1]!.slice(2, 5)).toEqual(['46', '59', '86']); // project frames 0/13/40 + img46 offset
  });

  it('round-trips through xlsx read back with exceljs', async () => {
    const folder = tempDir();
    const records = hostileRecords();
    await exportCorpus({ folder, formats: ['casme2-xlsx'], records });
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
    const property = (name: string) => all(root, 'PROPERTY').find((p) => p.attributes.NAME === name)?.text;
    expect(property('lastUsedAnnotationId')).toBe(String(ids.length));
    expect(property('capture_fps')).toBe('200');
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

describe('instruction JSONL', () => {
  const useTempDirOnce = useTempDir();
  const lines = (chunks: Iterable<string>) => [...chunks].join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);

  it('writes one example per label whose event has ROI features: the prompt rebuilt from them, the label as the three-section answer', () => {
    const [smile] = lines(instructionJsonl([makeRecord()]));
    expect(smile).toMatchObject({ promptFormat: 'mellm', dataset: 'CASME II', subject: '01', clip: 'EP02_01f', event: 'ev-1', annotator: 'alice', aus: 'R12+L4', label: 'positive' });
    expect(smile?.prompt).toBe(buildPrompt(MOUTH_CORNERS_UP.map(promptRoi), 'mellm'));
    expect(smile?.response).toBe(
      [
        '### 1. Analyze ROIs (Regions of Interest)',
        '- Left Mouth Corner moves up-right (40°), mean 1.5 px (0.75% of face height).',
        '- Right Mouth Corner moves up-left (140°), mean 1.4 px (0.7% of face height).',
        '- AU12 (Lip Corner Puller), right: seen at Right Mouth Corner.',
        '- AU4 (Brow Lowerer), left: no region clearly moves its way.',
        '',
        '### 2. Infer the micro-expression category',
        // The annotator's own description is the reasoning.
        'Right lip corner pulled up briefly.',
        '',
        '### 3. Summarize the AUs and the micro-expression',
        'AUs: R12+L4; micro-expression: Positive',
      ].join('\n'),
    );
    const [written] = lines(instructionJsonl([makeRecord({ description: null, emotion: 'happiness' })], { promptFormat: 'json' }));
    expect(written?.promptFormat).toBe('json');
    expect((written?.response ?? '').split('\n### 3.')[0]?.split('### 2. Infer the micro-expression category\n')[1]).toBe(
      [
        'Step 1: The movement at Right Mouth Corner indicates AU12 (Lip Corner Puller).',
        'Step 2: The combination AU12+AU4 is coded as happiness, a Positive micro-expression.',
        'Step 3: The micro-expression is therefore Positive.',
        '',
      ].join('\n'),
    );
  });

  it('keeps hostile text inside one JSON line each and counts what it leaves out, by reason', () => {
    const tally = new InstructionTally();
    const hostile = hostileRecords().map((record) => ({ ...record, review: null }));
    const written = lines(instructionJsonl(hostile, {}, tally));
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({ clip: HOSTILE.script, annotator: HOSTILE.quoted, label: 'surprise', aus: '1+2' });
    expect(written[1]?.response).toContain(`### 2. Infer the micro-expression category\n${HOSTILE.script}\n`);
    expect(tally.written).toBe(2);
    expect(tally.skipped).toEqual([{ reason: 'no-analysis', count: 1 }]);

    const refused = new InstructionTally();
    const records = [
      makeRecord({ review: 'rejected' }),
      makeRecord({ review: 'needs-changes' }),
      makeRecord({ label3: null }),
      makeRecord({ aus: '12+X' }),
      makeRecord({ roiFeatures: null, analysisUnreadable: 'analysis 7: expression: Invalid input' }),
      makeRecord({ roiFeatures: null }),
    ];
    expect(lines(instructionJsonl(records, {}, refused))).toEqual([]);
    expect(refused.skipped).toEqual([
      { reason: 'no-analysis', count: 1 },
      { reason: 'analysis-unreadable', count: 1, example: 'analysis 7: expression: Invalid input' },
      { reason: 'rejected-in-review', count: 2 },
      { reason: 'no-label3', count: 1 },
      { reason: 'aus-unreadable', count: 1, example: expect.stringContaining('12+X') },
    ]);
    expect(describeSkips(6, refused.skipped.slice(0, 3))).toBe(
      "6 labels, 1 without an analysis of their event, 1 whose event's analysis cannot be read (analysis 7: expression: Invalid input), 2 rejected or sent back in review",
    );
  });

  it('reports per file how many labels it holds and which it left out', async () => {
    const folder = useTempDirOnce();
    const result = await exportCorpus({ folder, formats: ['jsonl', 'megc', 'casme2-csv'], records: [...hostileRecords(), makeRecord({ eventId: 'ev-4', label3: null })] });
    expect(result).toMatchObject({ records: 4, labels: 4 });
    const byFormat = Object.fromEntries(result.files.map((file) => [basename(file.path), file]));
    expect(byFormat['instructions.jsonl']).toMatchObject({ records: 1, promptFormat: 'mellm', skipped: [{ reason: 'no-analysis', count: 1 }, { reason: 'rejected-in-review', count: 1 }, { reason: 'no-label3', count: 1 }] });
    expect(readFileSync(byFormat['instructions.jsonl']!.path, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(byFormat['megc-recognition.csv']).toMatchObject({ format: 'megc', records: 3, skipped: [{ reason: 'no-label3', count: 1 }] });
    expect(byFormat['megc-spotting.csv']).toMatchObject({ format: 'megc', records: 4, skipped: [] });
    expect(byFormat['casme2-sheet.csv']).toMatchObject({ format: 'casme2-csv', records: 4, skipped: [] });
    const empty = await exportCorpus({ folder: useTempDirOnce(), formats: ['jsonl'], records: [makeRecord({ roiFeatures: null })] });
    expect(empty).toMatchObject({ records: 0, labels: 1, files: [{ format: 'jsonl', records: 0, skipped: [{ reason: 'no-analysis', count: 1 }] }] });
    expect(readFileSync(empty.files[0]!.path, 'utf8')).toBe('');
  });
});

describe('motion CSV', () => {
  it('writes OpenFace-like per-frame rows once per event', () => {
    const motion = [0, 1, 2].map((frame) => ({ frame, facePresent: frame !== 1, roiMagnitudes: { Chin: frame * 0.5, 'Left Inner Eyebrow': 0.25 }, auEvidence: { 12: 0.9, 4: frame / 10 } }));
    const records = [makeRecord({ motion }), makeRecord({ annotator: 'bob', motion })];
    const rows = readCsv([...motionCsv(records)].join(''));
    expect(rows).toHaveLength(4);
    const header = rows[0]!;
    expect(header.slice(0, 8)).toEqual(['dataset', 'subject', 'clip', 'event', 'capture_fps', 'frame', 'timestamp', 'success']);
    expect(header.slice(-2)).toEqual(['AU4_evidence', 'AU12_evidence']);
    const row2 = Object.fromEntries(header.map((name, index) => [name, rows[3]![index]]));
    expect(row2).toMatchObject({ frame: '2', timestamp: '0.01', success: '1', roi_chin_mag: '1', roi_left_inner_eyebrow_mag: '0.25', roi_right_cheek_mag: '', AU4_evidence: '0.2' });
    expect(rows[2]![7]).toBe('0');
    // A clip filmed at 100 fps, whatever its container says: times at the capture rate, which the row names.
    const filmed = readCsv([...motionCsv([makeRecord({ motion, fps: 30, captureFps: 100 })])].join(''));
    expect(Object.fromEntries(filmed[0]!.map((name, index) => [name, filmed[3]![index]]))).toMatchObject({ capture_fps: '100', frame: '2', timestamp: '0.02' });
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
