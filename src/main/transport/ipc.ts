import { BrowserWindow, dialog, ipcMain, webContents, type IpcMainInvokeEvent, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import { AppError } from '@shared/errors';
import { dispatch, type HandlerTable } from '../api/dispatch';
import type { EventHub } from '../app/events';
import type { DialogOptions, NativeDialogs } from '../app/path-picker';
import { isTrustedOrigin } from '../security';

export const INVOKE_CHANNEL = 'mellm:invoke';
export const EVENT_CHANNEL = 'mellm:event';

/**
 * Electron IPC transport: one ipcMain.handle for the whole handler table. The sender
 * frame must be one of our pages; payloads are validated by dispatch().
 */
export function registerIpc(handlers: HandlerTable, events: EventHub, devServerUrl?: string): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, payload: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedOrigin(url, devServerUrl)) {
      return { ok: false, error: new AppError('FORBIDDEN', 'IPC from an untrusted frame').toJSON() };
    }
    return dispatch(handlers, name, payload, { transport: 'ipc' });
  });
  const unsubscribe = events.subscribe((name, payload) => {
    for (const contents of webContents.getAllWebContents()) {
      if (!contents.isDestroyed() && isTrustedOrigin(contents.getURL(), devServerUrl)) {
        contents.send(EVENT_CHANNEL, name, payload);
      }
    }
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}

/**
 * Electron's open and save dialogs, modal to the focused window. What they answer is
 * checked against the allowed roots by app/path-picker.ts, never trusted as is.
 */
export function nativeDialogs(): NativeDialogs {
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return {
    async open(options: DialogOptions) {
      const settings = { ...options, properties: [...options.properties], filters: options.filters?.map((f) => ({ ...f })) } as OpenDialogOptions;
      const window = parent();
      const answer = window ? await dialog.showOpenDialog(window, settings) : await dialog.showOpenDialog(settings);
      return answer.canceled ? [] : answer.filePaths;
    },
    async save(options: DialogOptions) {
      const settings = { ...options, properties: [...options.properties], filters: options.filters?.map((f) => ({ ...f })) } as SaveDialogOptions;
      const window = parent();
      const answer = window ? await dialog.showSaveDialog(window, settings) : await dialog.showSaveDialog(settings);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
  };
}
