/**
 * The renderer's FrameLoader with a counted frame fetcher: which frame requests go out, in
 * what order, and how many prefetches are on the wire when the frame the user asked for is
 * requested. Counted, not timed: the browser opens at most 6 connections per host, so a
 * request issued behind 6 or more prefetches waits for one of them to finish.
 * What this cannot show: the time a real image takes to load and decode (the ui bench
 * measures that in Chromium).
 */
import { describe, expect, it } from 'vitest';
import { FrameLoader } from '../../src/renderer/src/state/frame-loader';

/** Prefetches the loader keeps on the wire at most (well under the browser's 6 connections per host). */
const PREFETCH_IN_FLIGHT = 2;

interface FakeBitmap {
  readonly width: number;
  readonly height: number;
}

interface FakeImage {
  readonly index: number;
  settle(ok?: boolean): void;
}

/** A frame fetcher whose decodes finish only when the test says so; logs every request. */
function opener() {
  const requested: number[] = [];
  const pending = new Map<number, FakeImage>();
  const open = (url: string) => {
    const index = Number(/\/(\d+)\.jpg$/.exec(url)?.[1]);
    requested.push(index);
    return new Promise<FakeBitmap>((resolve, reject) => {
      const settle = (ok = true) => {
        pending.delete(index);
        if (ok) resolve({ width: 640, height: 480 });
        else reject(new Error(`frame ${index} failed`));
      };
      pending.set(index, { index, settle });
    });
  };
  /** Finishes every request on the wire now (and lets the loader react). */
  const finishAll = async (ok = true) => {
    for (const image of [...pending.values()]) image.settle(ok);
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return { open, requested, pending, finishAll };
}

const FRAME_BYTES = 640 * 480 * 4;
const loaderWith = (open: (url: string) => Promise<FakeBitmap>) => new FrameLoader((i) => `/frames/c/${i}.jpg`, FRAME_BYTES, open, 256 * 2 ** 20);

describe('FrameLoader request order', () => {
  it('requests a frame asked for at once, behind no more than the prefetch limit, never behind a connection pool full of prefetches', () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(10, 1, 300);
    void loader.load(40);
    const ahead = images.requested.indexOf(40);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(PREFETCH_IN_FLIGHT);
  });

  it('drops prefetches queued for where the view was once it moves on', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(10, 1, 300);
    const started = [...images.requested];
    void loader.load(40);
    loader.prefetch(40, 1, 300);
    for (let round = 0; round < 10 && images.pending.size; round += 1) await images.finishAll();
    const nearOld = images.requested.filter((i) => Math.abs(i - 10) <= 6);
    expect(nearOld).toEqual(started);
    // Everything around the new position was fetched and is ready.
    for (const i of [41, 42, 43, 44, 45, 46, 39, 38]) expect(loader.get(i)?.index).toBe(i);
  });

  it('starts no queued prefetch after holdPrefetch (a step), until the next prefetch', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(50, 1, 300);
    expect(images.requested).toEqual([51, 52]);
    // A cached step: the view holds prefetching until its frame is on screen.
    loader.holdPrefetch();
    await images.finishAll();
    expect(images.requested).toEqual([51, 52]);
    expect(images.pending.size).toBe(0);
    loader.prefetch(52, 1, 300);
    expect(images.requested).toEqual([51, 52, 53, 54]);
  });

  it('holds prefetches back while a frame asked for is loading, then runs them a few at a time', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    const shown = loader.load(100);
    loader.prefetch(100, -1, 300);
    expect(images.requested).toEqual([100]);
    images.pending.get(100)?.settle();
    expect((await shown).index).toBe(100);
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(images.requested).toEqual([100, 99, 98]);
    let most = 0;
    for (let round = 0; round < 10 && images.pending.size; round += 1) {
      most = Math.max(most, images.pending.size);
      await images.finishAll();
    }
    expect(most).toBeLessThanOrEqual(PREFETCH_IN_FLIGHT);
    expect(images.requested.slice(1).sort((a, b) => a - b)).toEqual([94, 95, 96, 97, 98, 99, 101, 102]);
  });

  it('shares a prefetch already on the wire with a later ask for the same frame, and a failed prefetch does not stall the queue', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(0, 1, 300);
    expect(images.requested).toEqual([1, 2]);
    const one = loader.load(1);
    expect(images.requested).toEqual([1, 2]);
    images.pending.get(2)?.settle(false);
    images.pending.get(1)?.settle();
    expect((await one).index).toBe(1);
    for (let round = 0; round < 10 && images.pending.size; round += 1) await images.finishAll();
    expect(images.requested).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loader.get(2)).toBeNull();
  });
});

describe('FrameLoader cache', () => {
  it('drops neighbours that were prefetched and never shown before frames the view asked for', async () => {
    const images = opener();
    // The smallest cache the loader keeps: 8 frames.
    const loader = new FrameLoader((i) => `/frames/c/${i}.jpg`, 1, images.open, 8);
    for (const asked of [10, 20]) {
      void loader.load(asked);
      await images.finishAll();
    }
    // Three positions' worth of neighbours, more than the cache holds.
    for (const at of [100, 200, 300]) {
      loader.prefetch(at, 1, 1000);
      for (let round = 0; round < 10 && images.pending.size; round += 1) await images.finishAll();
    }
    expect(loader.get(10)?.index).toBe(10);
    expect(loader.get(20)?.index).toBe(20);
    // Bounded all the same: the newest neighbours are kept, the cache holds 8 frames.
    expect(loader.get(306)?.index).toBe(306);
    const held = [...Array(1000).keys()].filter((i) => loader.get(i) !== null);
    expect(held).toHaveLength(8);
  });
});
