import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { AppError } from '@shared/errors';
import { dispatch, type HandlerTable } from '../api/dispatch';
import type { EventHub } from '../app/events';
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
