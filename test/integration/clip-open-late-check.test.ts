import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRefused } from '../../src/shared/api/events';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { clipIdFor } from '../../src/main/media/clip-identity';
import { ffmpeg, makeIndexedVideo } from '../helpers/media';

/**
 * `media.open` answers once frame 0 decodes and checks the last frame after. Through the
 * handler table both transports use, on a real SQLite workspace and real ffmpeg: a file
 * cut short opens, is then refused (announced as `media.refused` with the reason), and no
 * write naming it lands — adding it to the workspace, or an event on a workspace clip whose
 * file was cut since. A good file adds and takes events as before.
 */
describe('writes wait for the clip check that media.open no longer waits for', () => {
  const root = mkdtempSync(join(tmpdir(), 'mellm-late-check-'));
  const services = createServices({ userDataDir: join(root, 'home') });
  const table = createHandlerTable(services);
  const refusals: MediaRefused[] = [];
  services.events.subscribe((name, payload) => {
    if (name === 'media.refused') refusals.push(payload as MediaRefused);
  });
  const call = (name: string, payload: unknown) => dispatch(table, name, payload, { transport: 'direct' });
  const ok = async (name: string, payload: unknown) => {
    const result = await call(name, payload);
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.data;
  };
  const describeClip = (path: string, { frames, fps, width, height }: { frames: number; fps: number; width: number; height: number }) => ({ path, kind: 'video', frames, fps, width, height });
  let noise: Buffer;
  const cutLast = /frame 49 \(the last of the 50 its index lists\) cannot be decoded: the file is truncated/;

  beforeAll(async () => {
    await ok('settings.update', { annotator: 'ana' });
    await ok('workspace.create', { path: join(root, 'w.mellm') });
    const source = join(root, 'noise.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=2,noise=alls=40:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', source]);
    noise = readFileSync(source);
  });
  afterAll(async () => {
    await disposeServices(services);
    rmSync(root, { recursive: true, force: true });
  });

  it('a file cut short opens, is refused with the reason, and is not added to the workspace', async () => {
    const path = join(root, 'cut.mp4');
    // Frames 0–28 of 50 survive: frame 0 decodes, the last does not.
    writeFileSync(path, noise.subarray(0, Math.floor(noise.length * 0.6)));
    const opened = (await ok('media.open', { path })) as { clipId: string; info: { frames: number; fps: number; width: number; height: number } };
    const added = await call('clips.add', describeClip(path, opened.info));
    expect(added).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE', message: expect.stringMatching(cutLast) } });
    expect(await ok('clips.list', {})).toEqual([]);
    expect(refusals).toEqual([{ clipId: opened.clipId, code: 'MEDIA_UNREADABLE', message: expect.stringMatching(cutLast) }]);
    // No longer open: its frames are refused too.
    expect((await call('media.proxy', { clipId: opened.clipId })).ok).toBe(false);
  });

  it('an event on a workspace clip whose file was cut since is refused; a good clip takes one', async () => {
    const path = join(root, 'later-cut.mp4');
    writeFileSync(path, noise);
    const opened = (await ok('media.open', { path })) as { info: { frames: number; fps: number; width: number; height: number } };
    const clip = (await ok('clips.add', describeClip(path, opened.info))) as { id: number };
    await ok('media.open', { path, storedClip: clip.id });
    const event = (await ok('events.create', { clipId: clip.id, onset: 2, offset: 9 })) as { id: number };
    await ok('annotations.save', { eventId: event.id, annotator: 'ana', aus: '12' });

    refusals.length = 0;
    writeFileSync(path, noise.subarray(0, Math.floor(noise.length * 0.6)));
    await ok('media.open', { path, storedClip: clip.id });
    const created = await call('events.create', { clipId: clip.id, onset: 20, offset: 30 });
    expect(created).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE', message: expect.stringMatching(cutLast) } });
    const saved = await call('annotations.save', { eventId: event.id, annotator: 'ana', aus: '4', baseVersion: 1 });
    expect(saved).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE' } });
    const moved = await call('events.update', { id: event.id, onset: 3 });
    expect(moved).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE' } });
    expect(((await ok('events.list', { clipId: clip.id })) as { id: number; onset: number }[]).map((e) => [e.id, e.onset])).toEqual([[event.id, 2]]);
    expect(((await ok('annotations.get', { eventId: event.id, annotator: 'ana' })) as { aus: string }[]).map((a) => a.aus)).toEqual(['12']);
    expect(refusals).toHaveLength(1);

    // A good clip opened alongside takes its writes.
    const good = makeIndexedVideo(root, 'good.mp4', { frames: 30, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'] });
    const goodInfo = ((await ok('media.open', { path: good })) as { info: { frames: number; fps: number; width: number; height: number } }).info;
    const goodClip = (await ok('clips.add', describeClip(good, goodInfo))) as { id: number };
    expect((await call('events.create', { clipId: goodClip.id, onset: 1, offset: 5 })).ok).toBe(true);
  });

  it("another workspace's clip with the same id is not held to the refused clip's check", async () => {
    const refusedId = ((await ok('clips.list', {})) as { id: number; path: string }[]).find((c) => c.path.endsWith('later-cut.mp4'))?.id;
    expect(refusedId).toBeDefined();
    await ok('workspace.create', { path: join(root, 'other.mellm') });
    const good = makeIndexedVideo(root, 'other-good.mp4', { frames: 30, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'] });
    const info = ((await ok('media.open', { path: good })) as { info: { frames: number; fps: number; width: number; height: number } }).info;
    const clip = (await ok('clips.add', describeClip(good, info))) as { id: number };
    expect(clip.id).toBe(refusedId);
    expect(await call('events.create', { clipId: clip.id, onset: 1, offset: 5 })).toMatchObject({ ok: true });
  });
  describe('a refused clip repaired in place', () => {
    // The refusal holds for the content that failed, not for its path: a backup restored
    // with its size and mtime kept (as `cp -p` does) takes writes again, and an explicit
    // re-open checks it anew. Good and damaged files share size and mtime here: only their
    // inode/ctime tell them apart.
    const MTIME = 1_700_000_000;
    const damagedLast = /frame 49 \(the last of the 50 its index lists\) cannot be decoded/;
    const damaged = () => {
      // The tail zeroed: frame 0 decodes, the last does not, and the size is unchanged.
      const copy = Buffer.from(noise);
      copy.fill(0, Math.floor(noise.length * 0.6));
      return copy;
    };
    const put = (path: string, content: Buffer) => {
      writeFileSync(path, content);
      utimesSync(path, MTIME, MTIME);
    };
    const info = { frames: 50, fps: 25, width: 320, height: 240 };

    it('takes writes once repaired, without a restart or a re-open', async () => {
      const path = join(root, 'restored.mp4');
      refusals.length = 0;
      put(path, damaged());
      await ok('media.open', { path });
      expect(await call('clips.add', describeClip(path, info))).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE', message: expect.stringMatching(damagedLast) } });
      expect(refusals).toHaveLength(1);

      put(path, noise);
      expect(await call('clips.add', describeClip(path, info))).toMatchObject({ ok: true, data: { path } });
      // The user added it from the Corpus view, not opened it: the re-check leaves nothing
      // open and starts no display proxy build (a job the user would see) for it.
      const repaired = await clipIdFor(path);
      expect(() => services.media.info(repaired)).toThrow(/No clip .* is open/);
      expect(services.media.options.proxies?.status(repaired).state).toBe('none');
      // Opened for the view later, it is open and gets its proxy as any clip does.
      expect(await ok('media.open', { path })).toMatchObject({ clipId: repaired });
      expect(services.media.options.proxies?.status(repaired).state).not.toBe('none');
    });

    it('an explicit re-open checks the file again, whichever way it turns out', async () => {
      const path = join(root, 'reopened.mp4');
      put(path, noise);
      const { clipId } = (await ok('media.open', { path })) as { clipId: string };
      const clip = (await ok('clips.add', describeClip(path, info))) as { id: number };

      refusals.length = 0;
      put(path, damaged());
      // Same path, size and mtime, other bytes at its end: an id of its own (its frames are
      // not the first take's), and a fresh check that refuses it.
      const reopened = (await ok('media.open', { path, storedClip: clip.id })) as { clipId: string };
      expect(reopened.clipId).not.toBe(clipId);
      expect(await call('events.create', { clipId: clip.id, onset: 1, offset: 5 })).toMatchObject({ ok: false, error: { code: 'MEDIA_UNREADABLE' } });
      expect(refusals).toEqual([{ clipId: reopened.clipId, code: 'MEDIA_UNREADABLE', message: expect.stringMatching(damagedLast) }]);

      put(path, noise);
      expect(await ok('media.open', { path, storedClip: clip.id })).toMatchObject({ clipId });
      expect(await call('events.create', { clipId: clip.id, onset: 1, offset: 5 })).toMatchObject({ ok: true });
      expect(refusals).toHaveLength(1);
    });
  });
});
