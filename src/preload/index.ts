/**
 * The preload: exposes a narrow, typed bridge to main (window.mellm). Only channel and
 * event names from shared/api.ts pass; payloads are validated again in main.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES, EVENT_NAMES } from '@shared/api';
import type { PreloadBridge } from './api';

const channels = new Set<string>(CHANNEL_NAMES);
const eventNames = new Set<string>(EVENT_NAMES);

const bridge: PreloadBridge = {
  invoke: (name, payload) => {
    if (!channels.has(name)) return Promise.reject(new Error(`Unknown channel: ${String(name)}`));
    return ipcRenderer.invoke('mellm:invoke', name, payload);
  },
  subscribe: (listener) => {
    const wrapped = (_event: IpcRendererEvent, name: string, payload: unknown) => {
      if (eventNames.has(name)) listener(name, payload);
    };
    ipcRenderer.on('mellm:event', wrapped);
    return () => ipcRenderer.off('mellm:event', wrapped);
  },
  // With contextIsolation a File has no .path; only the preload can ask Electron for it.
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('mellm', bridge);
