import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isTrustedOrigin, windowWebPreferences } from '../../src/main/security';

describe('Electron security baseline', () => {
  it('locks down the BrowserWindow', () => {
    expect(windowWebPreferences('/app/preload/index.cjs')).toEqual({
      preload: '/app/preload/index.cjs',
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
    });
  });

  it('ships a strict CSP', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    );
    const directives = contentSecurityPolicy({ connect: ['ws://127.0.0.1:1234'] }).split('; ');
    expect(directives).toContain("connect-src 'self' ws://127.0.0.1:1234");
    expect(directives.join(';')).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });

  it('trusts only the app origin (and the dev server when given)', () => {
    expect(isTrustedOrigin('mellm://app/index.html')).toBe(true);
    expect(isTrustedOrigin('mellm://evil/index.html')).toBe(false);
    expect(isTrustedOrigin('https://example.com/')).toBe(false);
    expect(isTrustedOrigin('file:///etc/passwd')).toBe(false);
    expect(isTrustedOrigin('not a url')).toBe(false);
    expect(isTrustedOrigin('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isTrustedOrigin('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
  });
});
