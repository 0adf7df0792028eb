import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportWorkspace } from '../../src/main/app/export-workspace';
import { createWorkspace } from '../../src/main/store';
import { writeIndexClip } from '../helpers/index-clip';
import { useTempDir } from '../helpers/tmp';

/**
 * What the export's counts count, on a real SQLite workspace: two coders label one event,
 * one of them another, and a spotted event is not labelled yet. The summary and every file
 * count labels (an event × its coder), except the session report's file, which counts the
 * events it lists (the unlabelled one too); its line counts events and says how many labels
 * they hold, so no two counts disagree about the same thing.
 */
const tempDir = useTempDir('mellm-export-counts-');

describe('export counts', () => {
  it('the summary and the sheet count labels; the report file counts the events it lists, and its line says both', async () => {
    const dir = tempDir();
    const ws = await createWorkspace(join(dir, 'counts.mellm'));
    const clip = await ws.clips.add({ path: writeIndexClip(dir, 60), kind: 'video', fps: 30, frames: 60, width: 160, height: 120 });
    const both = await ws.events.create({ clipId: clip.id, onset: 5, apex: 8, offset: 12, source: 'manual' });
    const one = await ws.events.create({ clipId: clip.id, onset: 20, apex: 24, offset: 28, source: 'manual' });
    await ws.events.create({ clipId: clip.id, onset: 40, apex: 43, offset: 47, source: 'spotting' });
    await ws.annotations.save({ eventId: both.id, annotator: 'ana', aus: '12', emotion: 'happiness' });
    await ws.annotations.save({ eventId: both.id, annotator: 'bob', aus: '6+12', emotion: 'happiness' });
    await ws.annotations.save({ eventId: one.id, annotator: 'ana', aus: '4', emotion: 'disgust' });

    const folder = join(dir, 'out');
    // A fourth event, nobody's label yet, makes the report's events (4) differ from the labels (3).
    await ws.events.create({ clipId: clip.id, onset: 50, apex: 53, offset: 57, source: 'spotting' });
    const result = await exportWorkspace(ws, { formats: ['casme2-csv', 'report'], folder });
    expect(result.labels).toBe(3);
    expect(result.files.map((f) => [f.format, f.records])).toEqual([
      ['casme2-csv', 3],
      ['report', 4],
    ]);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    expect(html).toMatch(/ · 2 annotated events \(3 labels\), 2 not labelled yet</);

    // The report alone: the labels selected are still 3, the report lists 4 events.
    const alone = await exportWorkspace(ws, { formats: ['report'], folder: join(dir, 'alone'), language: 'zh-CN' });
    expect([alone.labels, alone.files[0]?.records]).toEqual([3, 4]);
    expect(readFileSync(join(dir, 'alone', 'report.html'), 'utf8')).toMatch(/ · 已标注事件 2 个（标注 3 条），待标注 2 个</);

    // Spotted events nobody labelled yet still make a report (it lists them): not empty.
    const unlabelled = await createWorkspace(join(dir, 'unlabelled.mellm'));
    const spotted = await unlabelled.clips.add({ path: writeIndexClip(dir, 30), kind: 'video', fps: 30, frames: 30, width: 160, height: 120 });
    await unlabelled.events.create({ clipId: spotted.id, onset: 5, apex: 8, offset: 12, source: 'spotting' });
    const listed = await exportWorkspace(unlabelled, { formats: ['report'], folder: join(dir, 'unlabelled') });
    expect([listed.labels, listed.files[0]?.records]).toEqual([0, 1]);
    await unlabelled.close();
    await ws.close();
  });
});
