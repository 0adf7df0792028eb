import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDriver, runDriver } from './support/driver';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'out', 'main', 'index.js');
const PRELOAD = join(ROOT, 'out', 'preload', 'index.cjs');
const REGISTER = join(import.meta.dirname, 'support', 'register-fake-electron.mjs');

interface AuditReport {
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  singleInstanceLock: number;
  windows: { webPreferences: Record<string, unknown> }[];
  loadedUrls: string[];
  navigation: Record<string, boolean | null>;
  webview: boolean | null;
  windowOpens: Record<string, { action: string | null; openedExternally: boolean }>;
  permissionRequests: Record<string, boolean | null>;
  permissionChecks: Record<string, boolean | null>;
  csp: string[] | null;
  appPageCsp: string | null;
  protocolAnswers: Record<string, number | null>;
  legacyProtocols: string[];
  ipc: Record<string, string | null>;
  ipcListeners: string[];
}

let report: AuditReport;
let mainText = '';

beforeAll(async () => {
  expect(existsSync(MAIN), 'build first: npm run build (the audit reads the built bundle)').toBe(true);
  const chunks = join(ROOT, 'out', 'main', 'chunks');
  mainText = [MAIN, ...readdirSync(chunks).map((f) => join(chunks, f))].map((f) => readFileSync(f, 'utf8')).join('\n');
  const run = runDriver(buildDriver('electron-audit'), [MAIN], { execArgv: ['--import', REGISTER] });
  const line = await run.waitFor(/^AUDIT /, 60_000);
  report = JSON.parse(line.slice('AUDIT '.length)) as AuditReport;
  expect(await run.exited).toEqual({ code: 0, signal: null });
}, 120_000);

/** A CSP directive's sources, e.g. directive(csp, 'script-src') → ["'self'"]. */
const directive = (csp: string, name: string) =>
  csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1) ?? null;

describe('Electron security checklist (built main bundle under a recording fake electron)', () => {
  it('windows: context isolation, sandbox, no Node integration, web security, no webviews, our preload', () => {
    expect(report.windows.length).toBeGreaterThan(0);
    for (const { webPreferences: prefs } of report.windows) {
      // Checklist items 2-4, 6, 9, 12: these must be on, those off.
      for (const on of ['contextIsolation', 'sandbox', 'webSecurity']) expect(prefs[on], on).toBe(true);
      for (const off of ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'experimentalFeatures', 'webviewTag']) {
        expect(prefs[off], off).toBe(false);
      }
      expect(prefs.preload).toBe(PRELOAD);
      expect(existsSync(PRELOAD)).toBe(true);
    }
    expect(report.loadedUrls).toEqual(['mellm://app/index.html']);
    expect(report.singleInstanceLock).toBe(1);
  });

  it('content security policy: no inline or eval scripts, nothing remote, and it overrides what a response says', () => {
    for (const csp of [report.csp?.[0], report.appPageCsp]) {
      expect(csp).toBeTruthy();
      expect(directive(csp!, 'default-src')).toEqual(["'none'"]);
      expect(directive(csp!, 'script-src')).toEqual(["'self'"]);
      expect(directive(csp!, 'object-src')).toEqual(["'none'"]);
      expect(directive(csp!, 'connect-src')).toEqual(["'self'"]);
      expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
    }
    expect(report.csp).toHaveLength(1);
  });

  it('navigation, webviews and new windows are blocked; only allow-listed https pages open in the browser', () => {
    expect(report.navigation).toEqual({
      'https://evil.example/': true,
      'file:///etc/passwd': true,
      'http://127.0.0.1:9/': true,
      'javascript:alert(1)': true,
      'mellm://app/index.html': false,
    });
    expect(report.webview).toBe(true);
    for (const [url, { action, openedExternally }] of Object.entries(report.windowOpens)) {
      expect(action, url).toBe('deny');
      expect(openedExternally, url).toBe(url === 'https://github.com/mellm/docs');
    }
  });

  it('every permission request and check is denied', () => {
    expect(Object.values(report.permissionRequests).every((granted) => granted === false)).toBe(true);
    expect(Object.values(report.permissionChecks).every((granted) => granted === false)).toBe(true);
  });

  it('the app protocol serves only its own files (confine), only for host "app", and bypasses no CSP', () => {
    expect(report.protocolAnswers['mellm://app/index.html']).toBe(200);
    for (const [url, status] of Object.entries(report.protocolAnswers)) {
      if (url !== 'mellm://app/index.html') expect(status, url).toBe(404);
    }
    expect(report.legacyProtocols).toEqual([]);
    expect(report.privilegedSchemes.map((s) => s.scheme)).toEqual(['mellm']);
    for (const { privileges } of report.privilegedSchemes) {
      expect(privileges.bypassCSP ?? false).toBe(false);
      expect(privileges.corsEnabled ?? false).toBe(false);
    }
  });

  it('IPC: only our own frames are answered, every payload is validated, no unchecked listeners', () => {
    expect(report.ipc).toEqual({
      'untrusted frame': 'FORBIDDEN',
      'file frame': 'FORBIDDEN',
      'no frame': 'FORBIDDEN',
      'our page, valid call': 'ok',
      'our page, bad payload': 'INVALID_INPUT',
      'our page, unknown channel': 'UNKNOWN_CHANNEL',
    });
    expect(report.ipcListeners).toEqual([]);
  });

  it('the bundles contain no remote module, no insecure switch and no raw ipcRenderer exposure', () => {
    for (const pattern of [
      /@electron\/remote|enableRemoteModule/,
      /nodeIntegration:\s*true/,
      /contextIsolation:\s*false/,
      /sandbox:\s*false/,
      /webSecurity:\s*false/,
      /allowRunningInsecureContent:\s*true/,
      /unsafe-eval/,
      /disable-web-security|ignore-certificate-errors/,
    ]) {
      expect(mainText, String(pattern)).not.toMatch(pattern);
    }
    const preload = readFileSync(PRELOAD, 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\(/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*,\s*ipcRenderer\s*\)/);
    expect(preload).not.toMatch(/require\(["'](node:)?(fs|child_process|net|os)["']\)/);
  });
});
