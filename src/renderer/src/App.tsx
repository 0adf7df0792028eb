import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeletionNotice } from './components/DeletionNotice';
import { HelpOverlay } from './components/HelpOverlay';
import { useHotkeys } from './hotkeys/useHotkeys';
import { SessionProvider, useSession } from './state/session';
import { DEFAULT_VIEW, VIEWS } from './views';

function Shell() {
  const { t } = useTranslation();
  const { view, setView } = useSession();
  const [help, setHelp] = useState(false);
  const View = (VIEWS.find((entry) => entry.id === view) ?? VIEWS[0])?.component;
  useHotkeys({ help: () => setHelp((open) => !open) });

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('app.title')}>
          {VIEWS.map((entry) => (
            <button
              key={entry.id}
              type="button"
              data-view={entry.id}
              aria-current={entry.id === view ? 'page' : undefined}
              onClick={() => setView(entry.id)}
            >
              {t(entry.label)}
            </button>
          ))}
        </nav>
        <button type="button" className="help-button" aria-label={t('hotkeys.title')} onClick={() => setHelp(true)}>
          {t('hotkeys.button')}
        </button>
      </header>
      <main className={`content content-${view}`}>{View && <View />}</main>
      <DeletionNotice />
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

export function App() {
  return (
    <SessionProvider initialView={DEFAULT_VIEW}>
      <Shell />
    </SessionProvider>
  );
}
