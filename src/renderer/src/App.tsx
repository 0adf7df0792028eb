import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeletionNotice } from './components/DeletionNotice';
import { AnnotatorPrompt } from './components/AnnotatorPrompt';
import { HelpOverlay } from './components/HelpOverlay';
import { NavCounts } from './components/NavCounts';
import { useHotkeys } from './hotkeys/useHotkeys';
import { parseRoute } from './state/route';
import { SessionProvider, useSession } from './state/session';
import { useSettings } from './state/settings';
import { DEFAULT_VIEW, VIEWS } from './views';

function Shell() {
  const { t } = useTranslation();
  const { view, setView, identity } = useSession();
  const [help, setHelp] = useState(false);
  const { settings } = useSettings();
  // On a file, labels are saved under Settings' name: ask for it before the first label,
  // once per page. A team server knows who is signed in, so nobody is asked there.
  const [nameDeferred, setNameDeferred] = useState(false);
  const askName = view === 'annotate' && settings !== null && identity.source === 'settings' && !identity.name && !nameDeferred;
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
              {entry.id === 'corpus' && <NavCounts />}
            </button>
          ))}
        </nav>
        <DeletionNotice />
        <button type="button" className="help-button" aria-label={t('hotkeys.title')} onClick={() => setHelp(true)}>
          {t('hotkeys.button')}
        </button>
      </header>
      <main className={`content content-${view}`}>{View && <View />}</main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      {askName && <AnnotatorPrompt onDone={() => undefined} onCancel={() => setNameDeferred(true)} />}
    </div>
  );
}

export function App() {
  const [route] = useState(() => parseRoute(window.location.hash, VIEWS.map((entry) => entry.id), DEFAULT_VIEW));
  return (
    <SessionProvider initial={route}>
      <Shell />
    </SessionProvider>
  );
}
