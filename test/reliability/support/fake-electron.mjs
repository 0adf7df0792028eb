// A stand-in for the `electron` module that records what the main bundle configures:
// window options, session and permission handlers, protocol registrations, IPC
// handlers, web-contents handlers, shell.openExternal calls and dialog options (answered
// from audit.dialogAnswers, cancelled when none is queued). Loaded through
// electron-loader.mjs by the security audit; no Electron binary is needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const audit = {
  privilegedSchemes: [],
  appHandlers: {},
  windows: [],
  loadedUrls: [],
  protocolHandlers: {},
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  headersReceived: null,
  ipcHandlers: {},
  ipcListeners: [],
  openedExternally: [],
  singleInstanceLock: 0,
  dialogs: [],
  dialogAnswers: [],
};
globalThis.__electronAudit = audit;

const userData = mkdtempSync(join(tmpdir(), 'mellm-audit-'));
// The audited app's settings folder goes with the process that made it.
process.once('exit', () => rmSync(userData, { recursive: true, force: true }));

export const app = {
  on: (event, handler) => ((audit.appHandlers[event] ??= []).push(handler), app),
  once: (event, handler) => ((audit.appHandlers[event] ??= []).push(handler), app),
  whenReady: () => Promise.resolve(),
  requestSingleInstanceLock: () => (audit.singleInstanceLock++, true),
  getPath: () => userData,
  getVersion: () => '0.0.0-audit',
  getAppPath: () => process.cwd(),
  quit: () => undefined,
  enableSandbox: () => (audit.enableSandbox = true),
  isPackaged: false,
};

export class BrowserWindow {
  static getAllWindows = () => audit.windows.map((w) => w.instance);
  static getFocusedWindow = () => audit.windows[0]?.instance ?? null;
  constructor(options) {
    audit.windows.push({ options, instance: this });
    this.webContents = { on: () => undefined, setWindowOpenHandler: () => undefined };
  }
  once() {}
  on() {}
  show() {}
  async loadURL(url) {
    audit.loadedUrls.push(url);
  }
  async loadFile(file) {
    audit.loadedUrls.push(`file://${file}`);
  }
}

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => audit.privilegedSchemes.push(...schemes),
  handle: (scheme, handler) => (audit.protocolHandlers[scheme] = handler),
  registerFileProtocol: (scheme) => (audit.protocolHandlers[`legacy:${scheme}`] = true),
  registerHttpProtocol: (scheme) => (audit.protocolHandlers[`legacy:${scheme}`] = true),
};

const defaultSession = {
  setPermissionRequestHandler: (handler) => (audit.permissionRequestHandler = handler),
  setPermissionCheckHandler: (handler) => (audit.permissionCheckHandler = handler),
  webRequest: { onHeadersReceived: (handler) => (audit.headersReceived = handler) },
  setProxy: async () => undefined,
};
export const session = { defaultSession, fromPartition: () => defaultSession };

export const shell = { openExternal: async (url) => void audit.openedExternally.push(url), openPath: async () => '' };

export const ipcMain = {
  handle: (channel, handler) => (audit.ipcHandlers[channel] = handler),
  removeHandler: (channel) => delete audit.ipcHandlers[channel],
  on: (channel) => audit.ipcListeners.push(channel),
};

export const dialog = {
  showOpenDialog: async (...args) => {
    const [window, options] = args.length > 1 ? args : [null, args[0]];
    audit.dialogs.push({ type: 'open', modal: window !== null, options });
    const answer = audit.dialogAnswers.shift();
    return answer ? { canceled: false, filePaths: [answer] } : { canceled: true, filePaths: [] };
  },
  showSaveDialog: async (...args) => {
    const [window, options] = args.length > 1 ? args : [null, args[0]];
    audit.dialogs.push({ type: 'save', modal: window !== null, options });
    const answer = audit.dialogAnswers.shift();
    return answer ? { canceled: false, filePath: answer } : { canceled: true, filePath: '' };
  },
};

export const webContents = { getAllWebContents: () => [] };
export const webUtils = { getPathForFile: (file) => file?.path ?? '' };
export const contextBridge = { exposeInMainWorld: () => undefined };
export const ipcRenderer = { invoke: async () => undefined, on: () => undefined };

export default { app, BrowserWindow, protocol, session, shell, ipcMain, webContents, contextBridge, ipcRenderer, dialog, webUtils };
