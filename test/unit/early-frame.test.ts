/**
 * A clip's first frame is asked for the moment `media.open` answers (early-frame.ts), and
 * the view's frame loader takes that fetch instead of repeating it. Counted with a fake
 * fetcher and fake bitmaps, not timed: which URLs are fetched, how often, and which
 * decoded frames nobody took are closed. What this cannot show: the time saved (the ui
 * bench measures the open in Chromium).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { askEarly, takeEarly } from '../../src/renderer/src/state/early-frame';
import { FrameLoader } from '../../src/renderer/src/state/frame-loader';

interface FakeBitmap {
  readonly url: string;
  closed: boolean;
  close(): void;
}

function fetcher() {
  const fetched: string[] = [];
  const bitmaps: FakeBitmap[] = [];
  const fetchFrame = (url: string): Promise<FakeBitmap> => {
    fetched.push(url);
    const bitmap: FakeBitmap = { url, closed: false, close: () => (bitmap.closed = true) };
    bitmaps.push(bitmap);
    return Promise.resolve(bitmap);
  };
  return { fetched, bitmaps, fetchFrame, asBitmap: fetchFrame };
}

const URL_0 = '/frames/clip/0.jpg';

afterEach(() => {
  vi.useRealTimers();
  // Nothing left in the slot for the next test.
  takeEarly(URL_0);
});

describe('the first frame asked for early', () => {
  it("the view's loader takes the early fetch of frame 0: one request for it, then its neighbours", async () => {
    const { fetched, fetchFrame, asBitmap } = fetcher();
    askEarly(URL_0, asBitmap);
    expect(fetched).toEqual([URL_0]);
    const loader = new FrameLoader<FakeBitmap>((index) => `/frames/clip/${index}.jpg`, 640 * 480 * 4, (url) => takeEarly<FakeBitmap>(url) ?? fetchFrame(url));
    const frame = await loader.load(0);
    expect(frame.image.url).toBe(URL_0);
    expect(fetched).toEqual([URL_0]);
    // Taken once: a later load of the same URL (after eviction) fetches anew.
    expect(takeEarly(URL_0)).toBeNull();
    loader.prefetch(0, 1, 10);
    await Promise.resolve();
    expect(fetched.filter((url) => url === URL_0)).toHaveLength(1);
  });

  it('asked twice for the same frame, fetches once; a newer open replaces it and the older frame is closed', async () => {
    const { fetched, bitmaps, asBitmap } = fetcher();
    askEarly(URL_0, asBitmap);
    askEarly(URL_0, asBitmap);
    expect(fetched).toEqual([URL_0]);
    askEarly('/frames/other/0.jpg', asBitmap);
    await new Promise((done) => setTimeout(done, 0));
    expect(bitmaps.map((b) => b.closed)).toEqual([true, false]);
    expect(takeEarly(URL_0)).toBeNull();
    expect(takeEarly('/frames/other/0.jpg')).not.toBeNull();
  });

  it('a frame nobody takes is closed after a while, and the slot is empty', async () => {
    vi.useFakeTimers();
    const { bitmaps, asBitmap } = fetcher();
    askEarly(URL_0, asBitmap);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(bitmaps.map((b) => b.closed)).toEqual([true]);
    expect(takeEarly(URL_0)).toBeNull();
  });

  it('a failed early fetch reaches whoever takes it, and nothing else', async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      askEarly(URL_0, () => Promise.reject(new Error('No clip is open')));
      await expect(takeEarly(URL_0)).rejects.toThrow('No clip is open');
      askEarly('/frames/gone/0.jpg', () => Promise.reject(new Error('No clip is open')));
      askEarly(URL_0, fetcher().asBitmap);
      await new Promise((done) => setTimeout(done, 20));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
