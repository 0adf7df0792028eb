import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRefused } from '../../src/shared/api/events';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { ffmpeg } from '../helpers/media';

/**
 * A clip refused by its last-frame check is refused for the content that failed, not for
 * its path: the same file repaired in place — a backup restored with its size and mtime
 * kept, as `cp -p` does — takes writes again, and an explicit re-open checks it anew.
 * Real ffmpeg, a real SQLite workspace, through the handler table both transports use.
 */
describe('a refused clip repaired in place', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-repaired-'));
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  const refusals: MediaRefused[] = [];
  services.events.subscribe((name, payload) => {
    if (name === 'media.refused') refusals.push(payload as MediaRefused);
  });
  const call = (name: string, payload: unknown) => dispatch(table, name, payload, { transport: 'direct' });
  const describeClip = (path: string) => ({ path, kind: 'video', frames: 50, fps: 25, width: 320, height: 240 });
  const damagedLast = /frame 49 \(the last of the 50 its index lists\) cannot be decoded/;
  // Same size and mtime for the good and the damaged file: only inode/ctime tell them apart.
  const MTIME = 1_700_000_000;
  let good: Buffer;
  let damaged: Buffer;
  const put = (path: string, content: Buffer) => {
    writeFileSync(path, content);
    utimesSync(path, MTIME, MTIME);
  };

  beforeAll(async () => {
    const source = join(root, 'noise.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=2,noise=alls=40:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', source]);
    good = readFileSync(source);
    // The tail zeroed: frame 0 decodes, the last does not, and the size is unchanged.
    damaged = Buffer.from(good);
    damaged.fill(0, Math.floor(good.length * 0.6));
    await call('settings.update', { annotator: 'ana' });
    await call('workspace.create', { path: join(root, 'w.mellm') });
  });
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });

  it('takes writes once repaired, without a restart or a re-open', async () => {
    const path = join(root, 'restored.mp4');
    put(path, damaged);
    expect((await call('media.open', { path })).ok).toBe(true);
    expect(await call('clips.add', describeClip(path))).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE', message: expect.stringMatching(damagedLast) } });
    expect(refusals).toHaveLength(1);

    put(path, good);
    expect(await call('clips.add', describeClip(path))).toMatchObject({ ok: true, data: { path } });
  });

  it('an explicit re-open checks the file again, whichever way it turns out', async () => {
    const path = join(root, 'reopened.mp4');
    put(path, good);
    const opened = await call('media.open', { path });
    const clip = (await call('clips.add', describeClip(path))) as { ok: true; data: { id: number } };
    expect(clip.ok).toBe(true);
    const clipId = (opened as { ok: true; data: { clipId: string } }).data.clipId;

    refusals.length = 0;
    put(path, damaged);
    // Same path, size and mtime: the same clip id, and a fresh check that refuses it.
    expect(await call('media.open', { path, storedClip: clip.data.id })).toMatchObject({ ok: true, data: { clipId } });
    expect(await call('events.create', { clipId: clip.data.id, onset: 1, offset: 5 })).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE' } });
    expect(refusals).toEqual([{ clipId, code: 'MEDIA_UNREADABLE', message: expect.stringMatching(damagedLast) }]);

    put(path, good);
    expect(await call('media.open', { path, storedClip: clip.data.id })).toMatchObject({ ok: true, data: { clipId } });
    expect(await call('events.create', { clipId: clip.data.id, onset: 1, offset: 5 })).toMatchObject({ ok: true });
    expect(refusals).toHaveLength(1);
  });
});
