import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Settings } from '@shared/api';
import { api } from '../api/client';
import { setLanguage } from '../i18n';

interface SettingsState {
  readonly settings: Settings | null;
  readonly error: string | null;
  update(patch: Partial<Settings>): Promise<void>;
}

const SettingsContext = createContext<SettingsState | null>(null);

function apply(settings: Settings): void {
  setLanguage(settings.language);
  document.documentElement.dataset.theme = settings.theme;
}

/** Loads settings from main, applies language and theme, and follows changes made elsewhere. */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Main announces every change (this page's too) as settings.changed, in order. A reply
  // to a call can arrive after the announcement of a later change; applying it then would
  // bring back the older settings, so a reply counts only when no announcement came
  // while it was on its way.
  const announcements = useRef(0);

  useEffect(() => {
    const seen = announcements.current;
    api.call('settings.get', {}).then(
      (loaded) => {
        if (announcements.current !== seen) return;
        apply(loaded);
        setSettings(loaded);
      },
      (failure: Error) => setError(failure.message),
    );
    return api.on('settings.changed', (next) => {
      announcements.current += 1;
      apply(next);
      setSettings(next);
    });
  }, []);

  const update = useCallback(async (patch: Partial<Settings>) => {
    try {
      const seen = announcements.current;
      const next = await api.call('settings.update', patch);
      if (announcements.current === seen) {
        apply(next);
        setSettings(next);
      }
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, []);

  return <SettingsContext.Provider value={{ settings, error, update }}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsState {
  const state = useContext(SettingsContext);
  if (!state) throw new Error('useSettings outside SettingsProvider');
  return state;
}
