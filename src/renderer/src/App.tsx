import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEWS } from './views';

export function App() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(VIEWS[0]?.id ?? 'home');
  const View = (VIEWS.find((view) => view.id === current) ?? VIEWS[0])?.component;

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('app.title')}>
          {VIEWS.map((view) => (
            <button
              key={view.id}
              type="button"
              data-view={view.id}
              aria-current={view.id === current ? 'page' : undefined}
              onClick={() => setCurrent(view.id)}
            >
              {t(view.label)}
            </button>
          ))}
        </nav>
      </header>
      <main className="content">{View && <View />}</main>
    </div>
  );
}
