/**
 * The Electron security baseline, kept as plain data so tests can assert it without
 * Electron: window preferences, the Content-Security-Policy, and the app origin.
 */
export const APP_SCHEME = 'mellm';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Strict CSP: no inline or eval'd script, nothing from outside our own origin. */
export function contentSecurityPolicy(options: { connect?: readonly string[]; dev?: boolean } = {}): string {
  const script = options.dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'";
  return [
    "default-src 'none'",
    script,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ["connect-src 'self'", ...(options.connect ?? [])].join(' '),
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function windowWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/**
 * Hosts whose https pages the app may open in the user's browser (documentation, the
 * paper, model cards). Anything else a page asks to open is dropped: a compromised or
 * tricked renderer must not be able to launch arbitrary URLs or schemes on the desktop.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'arxiv.org', 'huggingface.co'];

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password && EXTERNAL_HOSTS.includes(parsed.hostname);
  } catch {
    return false;
  }
}

/** Only our own pages may talk to main (and the dev server while developing). */
export function isTrustedOrigin(url: string, devServerUrl?: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app') return true;
    if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin;
    return false;
  } catch {
    return false;
  }
}
