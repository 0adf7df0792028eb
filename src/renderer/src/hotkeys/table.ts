/**
 * Every keyboard shortcut of the workstation, in ONE table: the help overlay lists it,
 * Settings lets the user rebind it (overrides persisted in settings.shortcuts), and the
 * key handler resolves chords through it. Chords are written `Ctrl+Shift+Z`, `Shift+ArrowLeft`,
 * `O`, `?`; letters and digits are matched by physical key so Shift+O is still "O".
 */
export const HOTKEY_GROUPS = ['navigate', 'playback', 'markers', 'edit', 'view'] as const;
export type HotkeyGroup = (typeof HOTKEY_GROUPS)[number];

export interface HotkeyDef {
  readonly id: string;
  readonly group: HotkeyGroup;
  /** Default chords; the first is the one shown. */
  readonly keys: readonly string[];
  /** Also active while typing in a text field (undo/redo go through the session history). */
  readonly inTextFields?: boolean;
}

export const HOTKEYS = [
  { id: 'frame.prev', group: 'navigate', keys: ['ArrowLeft'] },
  { id: 'frame.next', group: 'navigate', keys: ['ArrowRight'] },
  { id: 'frame.prev10', group: 'navigate', keys: ['Shift+ArrowLeft'] },
  { id: 'frame.next10', group: 'navigate', keys: ['Shift+ArrowRight'] },
  { id: 'frame.first', group: 'navigate', keys: ['Home'] },
  { id: 'frame.last', group: 'navigate', keys: ['End'] },
  { id: 'frame.goto', group: 'navigate', keys: ['G'] },
  { id: 'marker.gotoOnset', group: 'navigate', keys: ['Shift+O'] },
  { id: 'marker.gotoApex', group: 'navigate', keys: ['Shift+A'] },
  { id: 'marker.gotoOffset', group: 'navigate', keys: ['Shift+F'] },
  { id: 'candidate.next', group: 'navigate', keys: ['N'] },
  { id: 'candidate.prev', group: 'navigate', keys: ['Shift+N'] },
  { id: 'play.backward', group: 'playback', keys: ['J'] },
  { id: 'play.stop', group: 'playback', keys: ['K'] },
  { id: 'play.forward', group: 'playback', keys: ['L'] },
  { id: 'play.loop', group: 'playback', keys: ['P'] },
  { id: 'marker.onset', group: 'markers', keys: ['O'] },
  { id: 'marker.apex', group: 'markers', keys: ['A'] },
  { id: 'marker.offset', group: 'markers', keys: ['F'] },
  { id: 'edit.undo', group: 'edit', keys: ['Ctrl+Z'], inTextFields: true },
  { id: 'edit.redo', group: 'edit', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], inTextFields: true },
  { id: 'event.delete', group: 'edit', keys: ['Delete'] },
  { id: 'candidate.accept', group: 'edit', keys: ['Y'] },
  { id: 'candidate.dismiss', group: 'edit', keys: ['X'] },
  { id: 'label.submit', group: 'edit', keys: ['Ctrl+Enter'], inTextFields: true },
  { id: 'label.submitNext', group: 'edit', keys: ['Ctrl+Shift+Enter'], inTextFields: true },
  { id: 'view.fit', group: 'view', keys: ['0'] },
  { id: 'view.actual', group: 'view', keys: ['1'] },
  { id: 'layer.landmarks', group: 'view', keys: ['Shift+1'] },
  { id: 'layer.rois', group: 'view', keys: ['Shift+2'] },
  { id: 'layer.flow', group: 'view', keys: ['Shift+3'] },
  { id: 'layer.difference', group: 'view', keys: ['Shift+4'] },
  { id: 'help', group: 'view', keys: ['?'] },
] as const satisfies readonly HotkeyDef[];

export type HotkeyId = (typeof HOTKEYS)[number]['id'];
export type HotkeyOverrides = Readonly<Record<string, string>>;

/** The subset of KeyboardEvent that chords are built from (testable without a DOM). */
export interface KeyLike {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/** The canonical chord of a key event: modifiers in a fixed order, then the key. */
export function chordOf(event: KeyLike): string | null {
  let key: string;
  if (/^Key[A-Z]$/.test(event.code)) key = event.code.slice(3);
  else if (/^Digit[0-9]$/.test(event.code)) key = event.code.slice(5);
  else key = event.key;
  if (['Control', 'Shift', 'Alt', 'Meta'].includes(key)) return null;
  // A printed symbol already carries its Shift (`?` is Shift+/ on US layouts).
  const symbol = key.length === 1 && !/[A-Za-z0-9]/.test(key);
  const parts = [
    event.ctrlKey || event.metaKey ? 'Ctrl' : null,
    event.altKey ? 'Alt' : null,
    event.shiftKey && !symbol ? 'Shift' : null,
    key === ' ' ? 'Space' : key.length === 1 ? key.toUpperCase() : key,
  ];
  return parts.filter(Boolean).join('+');
}

/** Normalises a chord a user typed in Settings (`ctrl+shift+z` → `Ctrl+Shift+Z`), or null. */
export function normalizeChord(text: string): string | null {
  const parts = text.split('+').map((part) => part.trim()).filter(Boolean);
  if (!parts.length) return text.trim() === '+' ? '+' : null;
  const key = parts.pop() ?? '';
  const mods = new Set(parts.map((m) => m.toLowerCase()));
  for (const mod of mods) if (!['ctrl', 'cmd', 'meta', 'alt', 'shift'].includes(mod)) return null;
  const named = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  const symbol = named.length === 1 && !/[A-Z0-9]/.test(named);
  return [
    mods.has('ctrl') || mods.has('cmd') || mods.has('meta') ? 'Ctrl' : null,
    mods.has('alt') ? 'Alt' : null,
    mods.has('shift') && !symbol ? 'Shift' : null,
    named,
  ]
    .filter(Boolean)
    .join('+');
}

/** Chord → action, with user overrides replacing an action's default chords. */
export function resolveBindings(overrides: HotkeyOverrides = {}): Map<string, HotkeyId> {
  const bindings = new Map<string, HotkeyId>();
  for (const def of HOTKEYS) {
    const override = overrides[def.id] ? normalizeChord(overrides[def.id]!) : null;
    for (const chord of override ? [override] : def.keys) if (!bindings.has(chord)) bindings.set(chord, def.id);
  }
  return bindings;
}

/** The chords currently bound to each action (for the help overlay and Settings). */
export function chordsFor(id: HotkeyId, overrides: HotkeyOverrides = {}): readonly string[] {
  const override = overrides[id] ? normalizeChord(overrides[id]!) : null;
  if (override) return [override];
  return HOTKEYS.find((def) => def.id === id)?.keys ?? [];
}

/** Pairs of actions that share a chord after overrides (shown as a warning in Settings). */
export function conflicts(overrides: HotkeyOverrides = {}): Array<[HotkeyId, HotkeyId, string]> {
  const seen = new Map<string, HotkeyId>();
  const found: Array<[HotkeyId, HotkeyId, string]> = [];
  for (const def of HOTKEYS) {
    for (const chord of chordsFor(def.id, overrides)) {
      const other = seen.get(chord);
      if (other) found.push([other, def.id, chord]);
      else seen.set(chord, def.id);
    }
  }
  return found;
}

export function allowedInTextField(id: HotkeyId): boolean {
  const def: HotkeyDef | undefined = HOTKEYS.find((d) => d.id === id);
  return def?.inTextFields === true;
}
