import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EXPORT_TARGETS } from '../../src/shared/api';
import { commitImport } from '../../src/main/app/import';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { codedEventsFromStore } from '../../src/main/app/records-from-store';
import { createWorkspace, type WorkspaceStore } from '../../src/main/store';
import { ROI_NAMES } from '../../src/shared/rois';
import { CASME2_HEADER, countingProber, writeSequence, writeSheet } from '../helpers/corpus';
import { storedAnalysisRow } from '../helpers/stored-analysis';
import { useTempDir } from '../helpers/tmp';

/**
 * A deleted event leaves no trace in what leaves the workspace: every export format, the
 * session report and the agreement input are exactly what they were before the event
 * existed, and restoring it gives back exactly what it had. The workspace is a CASME II
 * clip imported from its coding sheet through the import code; the accident is what
 * pressing O on that clip makes (a manual one-frame event), then labelled and analysed
 * (analysis rows made by the pipeline's own report functions, see stored-analysis.ts).
 */

const tempDir = useTempDir('mellm-delete-export-');

/** Each exported file as comparable text: timestamps masked, workbooks as their cell values. */
async function exported(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    let text: string;
    if (path.endsWith('.xlsx')) {
      const workbook = await new ExcelJS.Workbook().xlsx.readFile(path);
      text = JSON.stringify(workbook.worksheets.map((sheet) => sheet.getSheetValues()));
    } else {
      text = readFileSync(path, 'utf8');
    }
    files[relative(folder, path)] = text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?/g, '<time>');
  }
  return files;
}

async function exportAll(ws: WorkspaceStore, folder: string): Promise<Record<string, string>> {
  await exportWorkspace(ws, { targets: [...EXPORT_TARGETS], folder });
  return exported(folder);
}

describe('delete and restore an event: exports, report and agreement', () => {
  it('a created-then-deleted event appears in no export, report or agreement; restored, it is back in all of them', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 110);
    const sheet = await writeSheet(join(dir, 'CASME2-coding.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 80, '', '1+2', 'surprise']]);
    const ws = await createWorkspace(join(dir, 'corpus.mellm'));
    expect(await commitImport(ws, { sheet, root, dataset: 'casme2' }, { prober: countingProber })).toMatchObject({ committed: true, eventsAdded: 1 });
    const [clip] = await ws.clips.list();
    const [kept] = await ws.events.listForClip(clip!.id);
    await ws.annotations.save({ eventId: kept!.id, annotator: 'ana', aus: '1+2', emotion: 'surprise', label3: 'surprise', status: 'submitted' });
    await ws.analyses.add(kept!.id, [{ id: 'mellm', version: '1' }], storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, { onset: 0, apex: 13, offset: 34 }));
    const motion = (frame: number) => ({ frame, roiMagnitudes: Float32Array.from(ROI_NAMES, (_, i) => i / 10), auEvidence: { '1': 0.5 } });
    await ws.frameMotion.replace(clip!.id, { lag: 6, first: 0, last: 64, rows: [motion(0), motion(4), motion(50)] });
    const before = await exportAll(ws, join(dir, 'before'));
    const agreementBefore = await codedEventsFromStore(ws, { datasetLabels: true });

    // Pressing O at frame 50 of a clip view with no event selected.
    const accident = await ws.events.create({ clipId: clip!.id, onset: 50, apex: null, offset: 50, source: 'manual' });
    await ws.annotations.save({ eventId: accident.id, annotator: 'ana', aus: 'L14', emotion: 'disgust', label3: 'negative', description: 'the accidental one' });
    await ws.analyses.add(accident.id, [{ id: 'mellm', version: '1' }], storedAnalysisRow({ 'Left Mouth Corner': [-2, 0] }, { onset: 0, apex: 0, offset: 0 }));
    const withAccident = await exportAll(ws, join(dir, 'with'));
    // The accident shows in every file a label or an event travels in, so its absence below means something.
    for (const name of ['instructions.jsonl', 'casme2-sheet.csv', 'sheets/casme2.csv', 'eaf/EP02_01f.eaf', 'report.html']) expect(withAccident[name]).toContain('L14');
    for (const name of ['megc-composite.csv', 'megc-recognition.csv', 'megc-spotting.csv', 'motion.csv', 'casme2-sheet.xlsx']) expect(withAccident[name]).not.toEqual(before[name]);
    expect(Object.keys(withAccident).sort()).toEqual(Object.keys(before).sort());

    await ws.events.delete(accident.id, 'ana');
    expect(await exportAll(ws, join(dir, 'deleted'))).toEqual(before);
    expect(await codedEventsFromStore(ws, { datasetLabels: true })).toEqual(agreementBefore);

    await ws.events.restore(accident.id, 'ana');
    expect(await exportAll(ws, join(dir, 'restored'))).toEqual(withAccident);
    expect(await codedEventsFromStore(ws, { datasetLabels: true })).not.toEqual(agreementBefore);

    // The clip itself: deleted, nothing of it is exported; restored, all of it is back.
    await ws.clips.delete(clip!.id, 'ana');
    await exportWorkspace(ws, { targets: ['jsonl', 'casme2-csv', 'report'], folder: join(dir, 'no-clip') });
    const withoutClip = await exported(join(dir, 'no-clip'));
    expect(Object.keys(withoutClip).sort()).toEqual(['casme2-sheet.csv', 'instructions.jsonl', 'report.html']);
    for (const text of Object.values(withoutClip)) expect(text).not.toMatch(/EP02_01f|L14/);
    await ws.clips.restore(clip!.id, 'ana');
    expect(await exportAll(ws, join(dir, 'clip-restored'))).toEqual(withAccident);
    await ws.close();
  });
});
