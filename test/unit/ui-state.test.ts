import { describe, expect, it } from 'vitest';
import { annotationProvenance, diffAus, diffWords, draftProvenance, fieldProvenance } from '../../src/renderer/src/state/annotation';
import { Autosaver, type AutosaveState } from '../../src/renderer/src/state/autosave';
import { CommandHistory, setValueCommand } from '../../src/renderer/src/state/history';
import { nextPlaybackFrame, shuttle, speedOf, STOPPED } from '../../src/renderer/src/state/playback';
import { clampWindow, decimate, followFrame, frameToX, tickStep, xToFrame, zoomWindow } from '../../src/renderer/src/state/timeline-math';

describe('CommandHistory', () => {
  const box = () => {
    const state = { value: 'a' };
    const set = (history: CommandHistory, next: string, mergeKey?: string) =>
      history.execute(setValueCommand('set', () => state.value, (v) => (state.value = v), next, mergeKey));
    return { state, set };
  };

  it('undoes and redoes in order, and a new edit clears redo', () => {
    const history = new CommandHistory();
    const { state, set } = box();
    set(history, 'b');
    set(history, 'c');
    expect(history.undo()).toBe(true);
    expect(state.value).toBe('b');
    expect(history.undo()).toBe(true);
    expect(state.value).toBe('a');
    expect(history.undo()).toBe(false);
    expect(history.redo()).toBe(true);
    expect(state.value).toBe('b');
    set(history, 'x');
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBe(false);
    history.undo();
    expect(state.value).toBe('b');
  });

  it('merges quick edits with the same key into one step, but not across a seal or the window', () => {
    let now = 0;
    const history = new CommandHistory({ mergeWindowMs: 500, now: () => now });
    const { state, set } = box();
    for (const text of ['h', 'he', 'hel', 'hell']) {
      now += 100;
      set(history, text, 'description');
    }
    history.seal();
    now += 100;
    set(history, 'hello', 'description');
    now += 2000;
    set(history, 'hello!', 'description');
    history.undo();
    expect(state.value).toBe('hello');
    history.undo();
    expect(state.value).toBe('hell');
    history.undo();
    expect(state.value).toBe('a');
    expect(history.canUndo).toBe(false);
  });

  it('keeps at most `limit` steps and notifies subscribers', () => {
    const history = new CommandHistory({ limit: 3 });
    const { state, set } = box();
    let notified = 0;
    history.subscribe(() => (notified += 1));
    for (const v of ['1', '2', '3', '4', '5']) set(history, v);
    while (history.undo());
    expect(state.value).toBe('2');
    expect(notified).toBe(8);
  });
});

describe('Autosaver', () => {
  it('debounces to one save of the latest value per key and reports saved', async () => {
    const saved: Array<[string, number]> = [];
    const states: AutosaveState['status'][] = [];
    const saver = new Autosaver<number>({ delayMs: 20, save: async (key, value) => void saved.push([key, value]) });
    saver.subscribe((s) => states.push(s.status));
    saver.schedule('event:1', 1);
    saver.schedule('event:1', 2);
    saver.schedule('event:2', 7);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(saved).toEqual([['event:1', 2], ['event:2', 7]]);
    expect(saver.state).toEqual({ status: 'saved', error: null, dirty: 0, retryAt: null });
    expect(states).toContain('saving');
  });

  it('keeps a failed save dirty and writes it on the next flush', async () => {
    let fail = true;
    const saved: number[] = [];
    const saver = new Autosaver<number>({
      delayMs: 10_000,
      save: async (_key, value) => {
        if (fail) throw new Error('disk full');
        saved.push(value);
      },
    });
    saver.schedule('k', 5);
    await saver.flush();
    expect(saver.state).toMatchObject({ status: 'error', error: 'disk full', dirty: 1 });
    fail = false;
    await saver.flush();
    expect(saved).toEqual([5]);
    expect(saver.state.status).toBe('saved');
  });

  it('never lets an older value overwrite a newer one when saves overlap', async () => {
    const saved: number[] = [];
    const saver = new Autosaver<number>({
      delayMs: 10_000,
      save: async (_key, value) => {
        await new Promise((resolve) => setTimeout(resolve, value === 1 ? 30 : 1));
        saved.push(value);
      },
    });
    saver.schedule('k', 1);
    const first = saver.flush();
    await new Promise((resolve) => setTimeout(resolve, 5)); // save(1) is now in flight
    saver.schedule('k', 2);
    await Promise.all([first, saver.flush()]);
    expect(saved).toEqual([1, 2]);
  });
});

describe('timeline geometry', () => {
  const frames = 20_000;
  it('maps frames to x and back at any zoom', () => {
    const window = { start: 1000, span: 500 };
    for (const frame of [1000, 1234, 1499]) expect(xToFrame(frameToX(frame, window, 1000), window, 1000, frames)).toBe(frame);
    expect(xToFrame(-50, window, 1000, frames)).toBe(975);
    expect(xToFrame(99_999, { start: 0, span: frames }, 1000, frames)).toBe(frames - 1);
  });

  it('zooms around the anchor and clamps to the clip', () => {
    const zoomed = zoomWindow({ start: 0, span: frames }, 0.1, 500, 1000, frames);
    expect(zoomed.span).toBeCloseTo(2000);
    expect(zoomed.start).toBeCloseTo(9000);
    expect(clampWindow({ start: -10, span: 1e9 }, frames)).toEqual({ start: 0, span: frames });
    expect(clampWindow({ start: 0, span: 1 }, frames).span).toBe(20);
  });

  it('follows the current frame with minimal scrolling', () => {
    const window = { start: 100, span: 100 };
    expect(followFrame(window, 150, frames)).toBe(window);
    expect(followFrame(window, 250, frames).start).toBeCloseTo(161);
  });

  it('picks 1-2-5 tick steps and decimates only the visible frames to min/max per column', () => {
    expect(tickStep({ start: 0, span: 20_000 }, 1000)).toBe(2000);
    expect(tickStep({ start: 0, span: 60 }, 1200)).toBe(5);
    const values = Float32Array.from({ length: frames }, (_, i) => (i % 2 ? i : -i));
    const { min, max } = decimate(values, { start: 100, span: 40 }, 10);
    expect(min[0]).toBe(-102);
    expect(max[0]).toBe(103);
    expect(max[9]).toBe(139);
    const sparse = decimate([1, Number.NaN, 3], { start: 0, span: 3 }, 3);
    expect(Number.isNaN(sparse.max[1]!)).toBe(true);
  });
});

describe('J/K/L playback', () => {
  it('shuttles forward faster, reverses at the default speed, and stops', () => {
    let state = shuttle(STOPPED, 'L');
    expect(state.direction).toBe(1);
    expect(speedOf(state)).toBe(0.5);
    state = shuttle(state, 'L');
    expect(speedOf(state)).toBe(1);
    state = shuttle(shuttle(state, 'L'), 'L');
    expect(speedOf(state)).toBe(2);
    state = shuttle(state, 'J');
    expect([state.direction, speedOf(state)]).toEqual([-1, 0.5]);
    expect(shuttle(state, 'K').direction).toBe(0);
  });

  it('stops at the ends, or loops between onset and offset', () => {
    const range = { first: 10, last: 20 };
    const forward = { ...STOPPED, direction: 1 as const };
    expect(nextPlaybackFrame(15, forward, range)).toBe(16);
    expect(nextPlaybackFrame(20, forward, range)).toBeNull();
    expect(nextPlaybackFrame(20, { ...forward, loop: true }, range)).toBe(10);
    expect(nextPlaybackFrame(10, { ...forward, direction: -1, loop: true }, range)).toBe(20);
  });
});

describe('annotation provenance and diff', () => {
  it('derives per-field and annotation provenance from the suggestion', () => {
    expect(fieldProvenance('aus', 'AU2 + 1', '1+2', true)).toBe('accepted');
    expect(fieldProvenance('aus', '1+2+4', '1+2', true)).toBe('edited');
    expect(fieldProvenance('aus', '4', '1+2', false)).toBe('manual');
    expect(fieldProvenance('description', '', null, false)).toBeNull();
    expect(annotationProvenance(['accepted', null, 'accepted'])).toBe('accepted');
    expect(annotationProvenance(['accepted', 'manual'])).toBe('edited');
    expect(annotationProvenance(['manual', null])).toBe('manual');
    expect(annotationProvenance([])).toBe('manual');
    const draft = { aus: '1+2', emotion: 'surprise', label3: null, description: 'brows up' };
    const suggestion = { aus: '1+2', emotion: 'fear', label3: 'surprise' as const, description: 'brows raised' };
    expect(draftProvenance(draft, suggestion, new Set(['aus', 'description']))).toEqual({
      aus: 'accepted',
      emotion: 'manual',
      label3: null,
      description: 'edited',
    });
  });

  it('diffs descriptions by word and AUs by code', () => {
    expect(diffWords('inner brows raised', 'inner brows raised quickly')).toEqual([
      { kind: 'same', text: 'inner brows raised' },
      { kind: 'added', text: ' quickly' },
    ]);
    expect(diffWords('a b c', 'a x c').map((p) => p.kind)).toEqual(['same', 'removed', 'added', 'same']);
    expect(diffAus('1+2+L12', '1+R12+4')).toEqual({ added: ['R12', '4'], removed: ['2', 'L12'] });
  });
});

describe('the difference image', async () => {
  const { differenceRgba } = await import('../../src/renderer/src/state/difference');

  it('amplifies frame differences', () => {
    const diff = differenceRgba(new Uint8ClampedArray([10, 10, 10, 255]), new Uint8ClampedArray([7, 7, 7, 255]), 4);
    expect([...diff]).toEqual([12, 12, 12, 255]);
  });
});
