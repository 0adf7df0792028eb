import { useEffect, useLayoutEffect, useRef } from 'react';
import { useSettings } from '../state/settings';
import { allowedInTextField, chordOf, resolveBindings, type HotkeyId } from './table';

export type HotkeyHandlers = Partial<Record<HotkeyId, () => void>>;

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button'].includes(target.type);
}

/** Routes key presses through the hotkey table (with the user's overrides) to `handlers`. */
export function useHotkeys(handlers: HotkeyHandlers, enabled = true): void {
  const { settings } = useSettings();
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  const overrides = settings?.shortcuts;

  useEffect(() => {
    if (!enabled) return;
    const bindings = resolveBindings(overrides ?? {});
    const onKeyDown = (event: KeyboardEvent) => {
      const chord = chordOf(event);
      const id = chord ? bindings.get(chord) : undefined;
      if (!id) return;
      if (isTextField(event.target) && !allowedInTextField(id)) return;
      const handler = latest.current[id];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled, overrides]);
}
