import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/src/i18n/locales/en.json';
import { chordOf, chordsFor, conflicts, HOTKEYS, normalizeChord, resolveBindings } from '../../src/renderer/src/hotkeys/table';

const key = (key: string, code: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  code,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('hotkey table', () => {
  it('has unique ids, no default conflicts, and a help label for every action', () => {
    expect(new Set(HOTKEYS.map((h) => h.id)).size).toBe(HOTKEYS.length);
    expect(conflicts()).toEqual([]);
    // i18next reads dotted ids as nested keys: hotkeys.actions.frame.prev.
    const label = (id: string) => id.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], en.hotkeys.actions);
    for (const def of HOTKEYS) expect(typeof label(def.id), def.id).toBe('string');
  });

  it('builds chords from physical keys with modifiers in a fixed order', () => {
    expect(chordOf(key('ArrowRight', 'ArrowRight', { shiftKey: true }))).toBe('Shift+ArrowRight');
    expect(chordOf(key('o', 'KeyO'))).toBe('O');
    expect(chordOf(key('O', 'KeyO', { shiftKey: true }))).toBe('Shift+O');
    expect(chordOf(key('Z', 'KeyZ', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+Z');
    expect(chordOf(key('z', 'KeyZ', { metaKey: true }))).toBe('Ctrl+Z');
    expect(chordOf(key('?', 'Slash', { shiftKey: true }))).toBe('?');
    expect(chordOf(key('!', 'Digit1', { shiftKey: true }))).toBe('Shift+1');
    expect(chordOf(key('Shift', 'ShiftLeft', { shiftKey: true }))).toBeNull();
  });

  it('resolves defaults and user overrides, and reports conflicts an override creates', () => {
    const defaults = resolveBindings();
    expect(defaults.get('ArrowLeft')).toBe('frame.prev');
    expect(defaults.get('Ctrl+Y')).toBe('edit.redo');
    const custom = resolveBindings({ 'marker.onset': 'shift+i' });
    expect(custom.get('Shift+I')).toBe('marker.onset');
    expect(custom.get('O')).toBeUndefined();
    expect(chordsFor('marker.onset', { 'marker.onset': 'ctrl+alt+o' })).toEqual(['Ctrl+Alt+O']);
    expect(conflicts({ 'marker.apex': 'O' })).toEqual([['marker.onset', 'marker.apex', 'O']]);
    expect(normalizeChord('hyper+x')).toBeNull();
    expect(normalizeChord('ctrl+shift+z')).toBe('Ctrl+Shift+Z');
  });
});

describe('AU names in the locales', () => {
  it('cover every FACS AU, in English exactly as au-names.ts has them', async () => {
    const { AU_NAMES } = await import('../../src/shared/au-names');
    const zh = (await import('../../src/renderer/src/i18n/locales/zh-CN.json')).default.auNames as Record<string, string>;
    expect(en.auNames).toEqual(Object.fromEntries(Object.entries(AU_NAMES)));
    expect(Object.keys(zh).sort()).toEqual(Object.keys(AU_NAMES).sort());
  });
});
