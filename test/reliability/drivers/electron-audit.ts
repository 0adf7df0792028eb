/**
 * Security-audit driver: runs the BUILT main bundle (out/main/index.js) under plain Node
 * with a recording fake `electron` (see support/fake-electron.mjs), then pokes every
 * handler it registered the way a hostile page would, and prints the findings as JSON.
 * argv: <main bundle>
 */
import { pathToFileURL } from 'node:url';

interface Audit {
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  appHandlers: Record<string, ((...args: unknown[]) => void)[]>;
  windows: { options: { webPreferences?: Record<string, unknown> } }[];
  loadedUrls: string[];
  protocolHandlers: Record<string, (request: Request) => Promise<Response>>;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null;
  permissionCheckHandler: ((contents: unknown, permission: string, origin: string, details: unknown) => boolean) | null;
  headersReceived: ((details: unknown, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void) | null;
  ipcHandlers: Record<string, (event: unknown, name: unknown, payload: unknown) => Promise<{ ok: boolean; error?: { code: string } }>>;
  ipcListeners: string[];
  openedExternally: string[];
  singleInstanceLock: number;
}

const [bundle] = process.argv.slice(2);
if (!bundle) throw new Error('usage: electron-audit.ts <out/main/index.js>');
await import(pathToFileURL(bundle).href);
const audit = (globalThis as unknown as { __electronAudit: Audit }).__electronAudit;
for (let i = 0; i < 200 && audit.loadedUrls.length === 0; i++) await new Promise((r) => setTimeout(r, 25));

// Web contents: navigation, webviews and window.open as a hostile page would try them.
const contentsHandlers: Record<string, (...args: unknown[]) => void> = {};
let windowOpen: ((details: { url: string }) => { action: string }) | null = null;
const contents = {
  on: (event: string, handler: (...args: unknown[]) => void) => (contentsHandlers[event] = handler),
  setWindowOpenHandler: (handler: typeof windowOpen) => (windowOpen = handler),
};
for (const handler of audit.appHandlers['web-contents-created'] ?? []) handler({}, contents);
const prevented = (event: string, ...args: unknown[]) => {
  let blocked = false;
  const handler = contentsHandlers[event];
  if (!handler) return null;
  handler({ preventDefault: () => (blocked = true) }, ...args);
  return blocked;
};
const NAVIGATIONS = ['https://evil.example/', 'file:///etc/passwd', 'http://127.0.0.1:9/', 'javascript:alert(1)', 'mellm://app/index.html'];
const navigation = Object.fromEntries(NAVIGATIONS.map((url) => [url, prevented('will-navigate', url)]));
const webview = prevented('will-attach-webview', {}, {});
const OPENS = ['https://evil.example/phish', 'https://github.com/mellm/docs', 'https://user:pw@github.com/', 'file:///etc/passwd', 'smb://host/share', 'mellm://app/index.html'];
const windowOpens = Object.fromEntries(
  OPENS.map((url) => {
    const before = audit.openedExternally.length;
    const answer = windowOpen?.({ url })?.action ?? null;
    return [url, { action: answer, openedExternally: audit.openedExternally.length > before }];
  }),
);

// Permissions.
const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial'];
const permissionRequests = Object.fromEntries(
  PERMISSIONS.map((permission) => {
    let granted: boolean | null = null;
    audit.permissionRequestHandler?.({}, permission, (g) => (granted = g), {});
    return [permission, granted];
  }),
);
const permissionChecks = Object.fromEntries(PERMISSIONS.map((p) => [p, audit.permissionCheckHandler?.({}, p, 'https://evil.example', {}) ?? null]));

// Headers: the CSP every response gets.
let csp: string[] | null = null;
audit.headersReceived?.({ responseHeaders: { 'Content-Security-Policy': ["script-src * 'unsafe-eval'"] } }, (r) => (csp = r.responseHeaders['Content-Security-Policy'] ?? null));

// The app protocol: confined to the renderer folder and to host "app".
const protocolAnswers: Record<string, number | null> = {};
const handler = audit.protocolHandlers.mellm;
for (const url of [
  'mellm://app/index.html',
  'mellm://app/../../../../etc/passwd',
  'mellm://app/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  'mellm://app/..%2f..%2f..%2fpackage.json',
  'mellm://app/%00index.html',
  'mellm://evil/index.html',
]) {
  protocolAnswers[url] = handler ? (await handler(new Request(url))).status : null;
}
const appPageCsp = handler ? (await handler(new Request('mellm://app/index.html'))).headers.get('content-security-policy') : null;

// IPC: only our own frames, payloads validated.
const invoke = audit.ipcHandlers['mellm:invoke'];
const ipc: Record<string, string | null> = {};
for (const [label, url, name, payload] of [
  ['untrusted frame', 'https://evil.example/', 'app.info', {}],
  ['file frame', 'file:///tmp/x.html', 'app.info', {}],
  ['no frame', '', 'app.info', {}],
  ['our page, valid call', 'mellm://app/index.html', 'app.info', {}],
  ['our page, bad payload', 'mellm://app/index.html', 'settings.update', { theme: 42 }],
  ['our page, unknown channel', 'mellm://app/index.html', '__proto__', {}],
] as const) {
  const result = invoke ? await invoke({ senderFrame: url ? { url } : null }, name, payload) : null;
  ipc[label] = result === null ? null : result.ok ? 'ok' : (result.error?.code ?? 'error');
}

process.stdout.write(
  `AUDIT ${JSON.stringify({
    privilegedSchemes: audit.privilegedSchemes,
    singleInstanceLock: audit.singleInstanceLock,
    windows: audit.windows.map((w) => w.options),
    loadedUrls: audit.loadedUrls,
    navigation,
    webview,
    windowOpens,
    permissionRequests,
    permissionChecks,
    csp,
    appPageCsp,
    protocolAnswers,
    legacyProtocols: Object.keys(audit.protocolHandlers).filter((k) => k.startsWith('legacy:')),
    ipc,
    ipcListeners: audit.ipcListeners,
  })}\n`,
);
process.exit(0);
