/**
 * The Electron shell, and the only main-process module besides transport/ipc.ts that
 * imports electron: lifecycle, the window, security handlers and the app protocol.
 * All work lives in Electron-free services shared with the CLI and the bridge.
 */
import { join } from 'node:path';
import { app, BrowserWindow, protocol, session, shell } from 'electron';
import { createHandlerTable } from './api';
import { rendererDir } from './paths';
import { APP_ORIGIN, APP_SCHEME, contentSecurityPolicy, isSafeExternalUrl, isTrustedOrigin, windowWebPreferences } from './security';
import { createServices, disposeServices } from './app/services';
import { nativeDialogs, registerIpc } from './transport/ipc';
import { developmentElectronBinding, useSqliteBinding } from './store/sqlite/driver';
import { createRouter } from './transport/routes';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedOrigin(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never in the app; other URLs are dropped.
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1280,
    minHeight: 720,
    show: false,
    backgroundColor: '#111418',
    webPreferences: windowWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

void app.whenReady().then(async () => {
  // A development checkout keeps the Node build of better-sqlite3 for tests and the CLI and
  // loads the Electron build `npm start` prepared; a packaged app's own build is Electron's.
  if (!app.isPackaged) useSqliteBinding(developmentElectronBinding(app.getAppPath(), process.versions.electron));
  const services = createServices({ userDataDir: app.getPath('userData'), electronVersion: process.versions.electron, packaged: app.isPackaged, dialogs: nativeDialogs(), spareDecoder: true });
  const router = createRouter({ rendererDir: rendererDir(), frames: () => services.frames });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('Not found', { status: 404 });
    const answer = await router(url.pathname, url.searchParams, { ifNoneMatch: request.headers.get('if-none-match') ?? undefined });
    return new Response(answer.status === 304 ? null : (answer.body as ConstructorParameters<typeof Response>[0]), { status: answer.status, headers: answer.headers });
  });

  const csp = contentSecurityPolicy({ dev: Boolean(devServerUrl), connect: devServerUrl ? ['ws:'] : [] });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  registerIpc(createHandlerTable(services), services.events, devServerUrl);
  app.on('will-quit', () => void disposeServices(services));
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
