/**
 * The pick-a-path contract on the renderer's side (src/shared/api/files.ts): in the
 * desktop app the native dialog answers (files.pick); in a browser the page shows its
 * own file browser over files.list (components/FileBrowserDialog.tsx).
 */
import type { FileFilter, FolderListing, PickRequest } from '@shared/api';
import { api } from './client';

export type { FileFilter, FolderListing, PickRequest };

/** True in the Electron shell, where the desktop's own dialogs are used. */
export const nativeDialogs = api.transport === 'ipc';

export const filesApi = {
  /** The native dialog's answer: a path inside the allowed roots, or null when cancelled. */
  pick: async (request: PickRequest): Promise<string | null> => (await api.call('files.pick', request)).path,
  /** A path the page's own browser picked, checked by main like a native dialog's answer. */
  resolve: async (path: string, kind: PickRequest['kind']): Promise<string> => (await api.call('files.resolve', { path, kind })).path,
  list: (path: string | null, filters?: readonly FileFilter[]): Promise<FolderListing> =>
    api.call('files.list', { path, ...(filters?.length ? { filters: [...filters] } : {}) }),
};

/** Filters per kind of file the app opens. */
export const FILTERS = {
  workspace: [{ name: 'MELLM workspace', extensions: ['mellm'] }],
  video: [{ name: 'Video', extensions: ['mp4', 'avi', 'mov', 'mkv', 'webm', 'm4v', 'mpg', 'mpeg', 'wmv'] }],
  sheet: [{ name: 'Coding sheet', extensions: ['xlsx', 'xls', 'csv'] }],
} satisfies Record<string, FileFilter[]>;

/** The pick requests of the app's path fields. */
export const PICKS = {
  newWorkspace: { purpose: 'workspace', kind: 'save-file', filters: FILTERS.workspace },
  workspace: { purpose: 'workspace', kind: 'open-file', filters: FILTERS.workspace },
  video: { purpose: 'clip', kind: 'open-file', filters: FILTERS.video },
  frameFolder: { purpose: 'frame-folder', kind: 'open-folder' },
  sheet: { purpose: 'sheet', kind: 'open-file', filters: FILTERS.sheet },
  datasetRoot: { purpose: 'dataset-root', kind: 'open-folder' },
  exportFolder: { purpose: 'export-folder', kind: 'open-folder' },
  modelFolder: { purpose: 'model-folder', kind: 'open-folder' },
} satisfies Record<string, PickRequest>;

/** The file path of a dropped file, from the preload (desktop only); null in a browser. */
export function droppedPath(file: File): string | null {
  return window.mellm?.pathForFile?.(file) || null;
}
