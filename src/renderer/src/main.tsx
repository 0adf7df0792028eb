import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './i18n';
import { browserStorage } from './state/saved-state';
import { SettingsProvider } from './state/settings';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <SettingsProvider>
      <App />
    </SettingsProvider>
  </StrictMode>,
);

// The page's first storage read loads its storage area with a synchronous call to the
// browser: made here while the app is idle, not in a clip's first render (its saved place).
const warmStorage = () => {
  try {
    browserStorage()?.getItem('mellm:storage-warm');
  } catch {
    // Storage refused: there is nothing to load.
  }
};
if ('requestIdleCallback' in window) window.requestIdleCallback(warmStorage, { timeout: 2000 });
else setTimeout(warmStorage, 500);
