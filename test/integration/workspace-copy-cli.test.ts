import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { hashWorkspace } from '../../src/main/store/copy';
import { useTempDir } from '../helpers/tmp';

const CLI = resolve(import.meta.dirname, '..', '..', 'out', 'main', 'cli.js');
const tempDir = useTempDir('mellm-copy-cli-');
const mellm = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('mellm workspace copy', () => {
  it('copies a workspace file, prints progress and a per-table report (JSON too), and refuses a bad call with the usage', async () => {
    const dir = tempDir();
    const from = join(dir, 'from.mellm');
    const ws = await createWorkspace(from);
    const clip = await ws.clips.add({ path: join(dir, 'a.mp4'), kind: 'video', fps: 30, frames: 10, width: 4, height: 4 });
    const event = await ws.events.create({ clipId: clip.id, onset: 1, apex: 2, offset: 3, source: 'manual' });
    await ws.annotations.save({ eventId: event.id, annotator: 'ana', aus: 'AU1', status: 'submitted' });
    await ws.close();

    const copied = mellm('workspace', 'copy', from, join(dir, 'to.mellm'));
    expect(copied.status, copied.stderr).toBe(0);
    expect(copied.stdout).toMatch(/copied .*from\.mellm → .*to\.mellm: 5 rows in \d+ tables, each table's content hash checked equal/);
    expect(copied.stderr).toContain('annotation_events: 1/1');
    expect(await hashWorkspace(join(dir, 'to.mellm'))).toEqual(await hashWorkspace(from));

    const json = mellm('workspace', 'copy', from, join(dir, 'json.mellm'), '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ tables: expect.arrayContaining([{ table: 'annotations', rows: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]) });

    const again = mellm('workspace', 'copy', from, join(dir, 'to.mellm'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('is not empty');
    const missing = mellm('workspace', 'copy', from);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('mellm workspace copy <from> <to>');
  });
});
