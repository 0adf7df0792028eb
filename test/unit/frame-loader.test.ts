/**
 * The renderer's FrameLoader with a counted frame fetcher: which frame requests go out, in
 * what order, and how many prefetches are on the wire when the frame the user asked for is
 * requested. Counted, not timed: the browser opens at most 6 connections per host, so a
 * request issued behind 6 or more prefetches waits for one of them to finish.
 * Closing is recorded by the fake images: which decoded frames are released, and when.
 * What this cannot show: the time a real image takes to load and decode (the ui bench
 * measures that in Chromium).
 */
import { describe, expect, it } from 'vitest';
import { FrameLoader } from '../../src/renderer/src/state/frame-loader';

/** Prefetches the loader keeps on the wire at most (well under the browser's 6 connections per host). */
const PREFETCH_IN_FLIGHT = 2;

/** Records its close(): the loader must release decoded memory it drops, never a frame still drawn. */
interface FakeBitmap {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  close(): void;
}

interface FakeImage {
  readonly index: number;
  settle(ok?: boolean): void;
}

/** A frame fetcher whose decodes finish only when the test says so; logs every request. */
function opener() {
  const requested: number[] = [];
  /** Frame numbers in the order their images were closed (twice if closed twice). */
  const closed: number[] = [];
  const pending = new Map<number, FakeImage>();
  /** Frame numbers whose request was cancelled (as fetch does: it rejects and never decodes). */
  const cancelled: number[] = [];
  const open = (url: string, signal?: AbortSignal) => {
    const index = Number(/\/(\d+)\.jpg$/.exec(url)?.[1]);
    requested.push(index);
    return new Promise<FakeBitmap>((resolve, reject) => {
      const settle = (ok = true) => {
        pending.delete(index);
        if (ok) resolve({ index, width: 640, height: 480, close: () => closed.push(index) });
        else reject(new Error(`frame ${index} failed`));
      };
      pending.set(index, { index, settle });
      signal?.addEventListener('abort', () => {
        if (!pending.has(index)) return;
        pending.delete(index);
        cancelled.push(index);
        reject(new DOMException('cancelled', 'AbortError'));
      });
    });
  };
  /** Finishes every request on the wire now (and lets the loader react). */
  const finishAll = async (ok = true) => {
    for (const image of [...pending.values()]) image.settle(ok);
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    // The loader starts the next prefetches in the task after a frame asked for lands.
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { open, requested, closed, pending, cancelled, finishAll };
}

const FRAME_BYTES = 640 * 480 * 4;
const loaderWith = (open: (url: string, signal?: AbortSignal) => Promise<FakeBitmap>) => new FrameLoader((i) => `/frames/c/${i}.jpg`, FRAME_BYTES, open, 256 * 2 ** 20);

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

  it('cancels the prefetches on the wire far from a jump, keeps those near it and those someone asked for', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(10, 1, 300);
    expect(images.requested).toEqual([11, 12]);
    // A step to a neighbour not fetched yet: the prefetches are its neighbours too.
    const near = loader.load(17);
    expect(images.cancelled).toEqual([]);
    images.pending.get(17)?.settle();
    await near;
    // The onset frame (say) is asked for while its prefetch is on the wire: that one stays.
    const onset = loader.load(12);
    // A jump 30 frames on: the other prefetch is cancelled, and the frame asked for goes out.
    const jumped = loader.load(42);
    expect(images.cancelled).toEqual([11]);
    expect(images.requested.at(-1)).toBe(42);
    await images.finishAll();
    expect((await onset).index).toBe(12);
    expect((await jumped).index).toBe(42);
    // A cancelled prefetch is fetched again when the view comes back near it.
    expect(loader.get(11)).toBeNull();
    loader.prefetch(10, 1, 300);
    for (let round = 0; round < 10 && images.pending.size; round += 1) await images.finishAll();
    expect(images.requested.filter((i) => i === 11)).toHaveLength(2);
    expect(loader.get(11)?.index).toBe(11);
  });

  it('starts the neighbours of a frame asked for only after the task that hands it to the view', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = new FrameLoader((i) => `/frames/c/${i}.jpg`, FRAME_BYTES, images.open, 256 * 2 ** 20, later.defer);
    const shown = loader.load(100);
    loader.prefetch(100, 1, 300);
    images.pending.get(100)?.settle();
    // The view's continuation (render and draw) sees no neighbour's request started yet.
    expect((await shown).index).toBe(100);
    expect(images.requested).toEqual([100]);
    later.runAll();
    expect(images.requested).toEqual([100, 101, 102]);
  });

  it('fetches a cancelled prefetch afresh when it is asked for before its abort settles', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(10, 1, 300);
    const jumped = loader.load(42);
    expect(images.cancelled).toEqual([11, 12]);
    // Back at once (the same task): frame 11 is requested again, not handed the abort.
    const back = loader.load(11);
    expect(images.requested.filter((i) => i === 11)).toHaveLength(2);
    await images.finishAll();
    expect((await back).index).toBe(11);
    expect((await jumped).index).toBe(42);
    expect(loader.get(11)?.index).toBe(11);
  });

  it('cancels nothing for a frame drawn beside the view (the difference layer onset)', async () => {
    const images = opener();
    const loader = loaderWith(images.open);
    loader.prefetch(10, 1, 300);
    const onset = loader.load(60, { aside: true });
    expect(images.cancelled).toEqual([]);
    await images.finishAll();
    expect((await onset).index).toBe(60);
    expect(loader.get(11)?.index).toBe(11);
  });

  it('starts the neighbours of a prefetch the view asked for only after the task that hands it over', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = new FrameLoader((i) => `/frames/c/${i}.jpg`, FRAME_BYTES, images.open, 256 * 2 ** 20, later.defer);
    loader.prefetch(100, 1, 300);
    expect(images.requested).toEqual([101, 102]);
    // A step onto 101 while its prefetch is on the wire: the view now waits for it.
    const shown = loader.load(101);
    images.pending.get(101)?.settle();
    expect((await shown).index).toBe(101);
    expect(images.requested).toEqual([101, 102]);
    later.runAll();
    expect(images.requested).toEqual([101, 102, 103]);
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
    await new Promise((resolve) => setTimeout(resolve, 0));
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

/** Deferred work the loader schedules after the current task; the test runs it when it chooses. */
function laterQueue() {
  const due: (() => void)[] = [];
  const defer = (release: () => void) => void due.push(release);
  const runAll = () => {
    for (const release of due.splice(0)) release();
  };
  return { defer, runAll };
}

/** The smallest cache the loader keeps: 8 frames. */
const smallLoader = (open: (url: string) => Promise<FakeBitmap>, defer: (release: () => void) => void) =>
  new FrameLoader((i) => `/frames/c/${i}.jpg`, 1, open, 8, defer);

async function askFor(loader: FrameLoader<FakeBitmap>, images: ReturnType<typeof opener>, frames: readonly number[]) {
  const loaded = [];
  for (const index of frames) {
    const frame = loader.load(index);
    await images.finishAll();
    loaded.push(await frame);
  }
  return loaded;
}

describe('FrameLoader releasing decoded frames', () => {
  it('closes the frames it evicts, after the task that evicted them, and no frame it keeps', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = smallLoader(images.open, later.defer);
    await askFor(loader, images, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Evicted but not closed yet: a caller handed one in this task may still hold it.
    expect(images.closed).toEqual([]);
    later.runAll();
    expect(images.closed).toEqual([0, 1, 2, 3]);
    for (const kept of [4, 5, 6, 7, 8, 9, 10, 11]) expect(loader.get(kept)?.index).toBe(kept);
  });

  it('never evicts or closes a held frame (the one on screen, the difference layer onset) and closes it once let go and evicted', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = smallLoader(images.open, later.defer);
    const [onScreen] = await askFor(loader, images, [0]);
    loader.hold('shown', onScreen!);
    const [onset] = await askFor(loader, images, [1]);
    loader.hold('onset', onset!);
    await askFor(loader, images, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    later.runAll();
    expect(images.closed).not.toContain(0);
    expect(images.closed).not.toContain(1);
    expect(loader.get(0)?.image).toBe(onScreen!.image);
    expect(loader.get(1)?.image).toBe(onset!.image);
    // The view moves on: frame 0 leaves the screen and is evicted like any other.
    const [next] = await askFor(loader, images, [16]);
    loader.hold('shown', next!);
    await askFor(loader, images, [17, 18, 19, 20, 21, 22, 23, 24]);
    later.runAll();
    expect(images.closed).toContain(0);
    expect(images.closed).not.toContain(1);
    expect(images.closed).not.toContain(16);
  });

  it('keeps open an evicted frame that is held before the task ends, and closes it when let go', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = smallLoader(images.open, later.defer);
    const [first] = await askFor(loader, images, [0]);
    await askFor(loader, images, [1, 2, 3, 4, 5, 6, 7, 8]);
    // Frame 0 was just evicted; a continuation still holding it keeps it open.
    expect(loader.get(0)).toBeNull();
    loader.hold('onset', first!);
    later.runAll();
    expect(images.closed).toEqual([]);
    loader.hold('onset', null);
    later.runAll();
    expect(images.closed).toEqual([0]);
  });

  it('closes every frame it has once disposed, each once, and a frame landing after disposal', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = smallLoader(images.open, later.defer);
    const loaded = await askFor(loader, images, [0, 1, 2]);
    loader.hold('shown', loaded[2]!);
    const landing = loader.load(3);
    loader.dispose();
    expect([...images.closed].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    await images.finishAll();
    expect((await landing).index).toBe(3);
    expect([...images.closed].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    later.runAll();
    expect(images.closed).toHaveLength(4);
  });

  it('is usable again once asked after disposal (a view remounted on the same loader)', async () => {
    const images = opener();
    const later = laterQueue();
    const loader = smallLoader(images.open, later.defer);
    const landing = loader.load(0);
    loader.dispose();
    const again = loader.load(0);
    await images.finishAll();
    expect((await again).image).toBe((await landing).image);
    expect(images.closed).toEqual([]);
    expect(loader.get(0)?.index).toBe(0);
  });
});
