import { describe, expect, it } from 'vitest';
import { MAX_PLACES, openingFrame, placeKey, readPlace, restoreLayers, writePlace } from '../../src/renderer/src/state/clip-place';
import { readExportChoices, writeExportChoices } from '../../src/renderer/src/state/export-choices';
import { formatRoute, parseRoute } from '../../src/renderer/src/state/route';
import { EXPORT_TARGETS } from '../../src/shared/api';
import { PROMPT_FORMATS } from '../../src/shared/prompt-format';
import { readSaved, writeSaved, type KeyValueStorage } from '../../src/renderer/src/state/saved-state';
import { z } from 'zod';

/** Web Storage's behaviour over a Map, optionally refusing writes like a full localStorage. */
class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  full = false;
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const LAYERS = { flow: { visible: true, opacity: 0.6 }, rois: { visible: true, opacity: 0.9 } };

describe('the place kept per clip', () => {
  it('reads back the frame, zoom and layers written for a workspace clip, and nothing for another', () => {
    const storage = new MemoryStorage();
    const place = { frame: 17, view: { scale: 2.5, x: -40, y: 12 }, layers: { flow: { visible: false, opacity: 0.3 } }, flowMode: 'wheel' };
    writePlace(storage, placeKey('/w/a.mellm', 3), place);
    expect(readPlace(storage, placeKey('/w/a.mellm', 3))).toEqual(place);
    expect(readPlace(storage, placeKey('/w/a.mellm', 4))).toBeNull();
    expect(readPlace(storage, placeKey('/w/b.mellm', 3))).toBeNull();
    expect(readPlace(storage, placeKey(null, '/clips/x.mp4'))).toBeNull();
  });

  it('drops a saved value it cannot read (hand-edited, another version) instead of using it', () => {
    const storage = new MemoryStorage();
    const key = placeKey('/w/a.mellm', 1);
    storage.setItem(key, '{"frame":-3,"view":null,"layers":{},"at":1}');
    expect(readPlace(storage, key)).toBeNull();
    expect(storage.getItem(key)).toBeNull();
    storage.setItem(key, 'not json');
    expect(readPlace(storage, key)).toBeNull();
  });

  it(`forgets the least recently left clip beyond ${MAX_PLACES}`, () => {
    const storage = new MemoryStorage();
    storage.setItem('other-key', 'kept');
    for (let clip = 1; clip <= MAX_PLACES + 2; clip += 1) writePlace(storage, placeKey('/w', clip), { frame: clip, view: null, layers: {} }, clip);
    expect(readPlace(storage, placeKey('/w', 1))).toBeNull();
    expect(readPlace(storage, placeKey('/w', 2))).toBeNull();
    expect(readPlace(storage, placeKey('/w', 3))?.frame).toBe(3);
    expect(readPlace(storage, placeKey('/w', MAX_PLACES + 2))?.frame).toBe(MAX_PLACES + 2);
    expect(storage.getItem('other-key')).toBe('kept');
  });

  it('a full or missing storage only means nothing is remembered', () => {
    const storage = new MemoryStorage();
    storage.full = true;
    expect(() => writePlace(storage, placeKey('/w', 1), { frame: 1, view: null, layers: {} })).not.toThrow();
    expect(readPlace(storage, placeKey('/w', 1))).toBeNull();
    expect(readPlace(null, placeKey('/w', 1))).toBeNull();
    expect(writeSaved(storage, 'k', 1)).toBe(false);
    expect(readSaved(null, 'k', z.number())).toBeNull();
  });

  it('lays saved layers over the defaults, ignoring layers the app does not have', () => {
    expect(restoreLayers(LAYERS, { flow: { visible: false, opacity: 0.2 }, gone: { visible: true, opacity: 1 } })).toEqual({
      flow: { visible: false, opacity: 0.2 },
      rois: { visible: true, opacity: 0.9 },
    });
    expect(restoreLayers(LAYERS, undefined)).toEqual(LAYERS);
  });

  it("opens where the clip was left, else at its event's onset, else at frame 0, inside the clip", () => {
    expect(openingFrame({ frame: 30, view: null, layers: {} }, 12, 40)).toBe(30);
    expect(openingFrame(null, 12, 40)).toBe(12);
    expect(openingFrame(null, null, 40)).toBe(0);
    expect(openingFrame({ frame: 300, view: null, layers: {} }, 12, 40)).toBe(39);
  });
});

describe('the route in the URL hash', () => {
  const VIEWS = ['home', 'corpus', 'annotate'];
  it('reads the view, clip and event back as written', () => {
    const route = { view: 'annotate', clip: 3, event: 5 };
    expect(formatRoute(route)).toBe('#/annotate?clip=3&event=5');
    expect(parseRoute(formatRoute(route), VIEWS, 'home')).toEqual(route);
    expect(formatRoute({ view: 'corpus', clip: null, event: 7 })).toBe('#/corpus');
    expect(parseRoute('#/corpus', VIEWS, 'home')).toEqual({ view: 'corpus', clip: null, event: null });
  });

  it('falls back to the default view on an unknown view or an unreadable address', () => {
    for (const hash of ['', '#', '#/nowhere', '#annotate', '#/annotate?clip=x', `#/annotate?clip=1&${'a'.repeat(300)}`]) {
      const route = parseRoute(hash, VIEWS, 'home');
      expect(route.clip, hash).toBeNull();
      if (hash !== '#/annotate?clip=x') expect(route.view, hash).toBe('home');
    }
    expect(parseRoute('#/annotate?clip=0&event=-1', VIEWS, 'home')).toEqual({ view: 'annotate', clip: null, event: null });
    expect(parseRoute('#/annotate?event=4', VIEWS, 'home')).toEqual({ view: 'annotate', clip: null, event: null });
  });
});

describe('the export choices', () => {
  it('reads back formats, folder and options, keeping only formats the app has', () => {
    const storage = new MemoryStorage();
    expect(readExportChoices(storage, EXPORT_TARGETS, PROMPT_FORMATS)).toBeNull();
    const choices = { formats: ['jsonl', 'megc'], folder: '/data/out', promptFormat: 'json', onlyApproved: true, anonymise: false, includeImages: true };
    writeExportChoices(storage, choices);
    expect(readExportChoices(storage, EXPORT_TARGETS, PROMPT_FORMATS)).toEqual(choices);
    writeExportChoices(storage, { ...choices, formats: ['jsonl', 'retired-format'], promptFormat: 'gone' });
    expect(readExportChoices(storage, EXPORT_TARGETS, PROMPT_FORMATS)).toMatchObject({ formats: ['jsonl'], promptFormat: PROMPT_FORMATS[0] });
  });
});
