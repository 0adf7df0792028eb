/**
 * Work a clip's first render would otherwise pay, done while the app is idle at start:
 * the page's first storage read (its saved place) loads the storage area with a
 * synchronous call to the browser, and the first text set in the annotate view's
 * monospace faces and its first `<select>` make the style pass look their fonts up (a
 * font family the system lacks is a call to the browser too). A hidden probe laid out
 * once here leaves those looked up, so the view's first commit does not.
 */
import { browserStorage } from './state/saved-state';

const warmStorage = () => {
  try {
    browserStorage()?.getItem('mellm:storage-warm');
  } catch {
    // Storage refused: there is nothing to load.
  }
};

/** The annotate view's text faces and controls, by their own classes (styles.css). */
const PROBE = '<output class="frame-number">0</output><dl class="markers"><dd>0</dd></dl><select><option>0</option></select>';

const warmText = () => {
  const probe = document.createElement('div');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.cssText = 'position:absolute;left:-9999px;top:0;visibility:hidden;pointer-events:none';
  probe.innerHTML = PROBE;
  document.body.append(probe);
  // Reading a size lays the probe out now, fonts and all.
  void probe.offsetHeight;
  probe.remove();
};

export function warmUpWhileIdle(): void {
  const run = () => {
    warmStorage();
    warmText();
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 500);
}
