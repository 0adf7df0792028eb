import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { DialogOptions, NativeDialogs } from '../app/path-picker';

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
