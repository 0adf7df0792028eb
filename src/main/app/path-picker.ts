import { stat } from 'node:fs/promises';
import type { PickKind, PickPurpose, PickRequest } from '@shared/api';
import { AppError } from '@shared/errors';
import { resolveInsideRoots, resolveSaveTarget } from '../util/roots';

/** Options handed to a native dialog (the subset of Electron's the app uses). */
export interface DialogOptions {
  readonly title: string;
  readonly defaultPath: string;
  readonly properties: readonly string[];
  readonly filters?: readonly { name: string; extensions: string[] }[];
}

/** The desktop's open and save dialogs; the Electron shell supplies them (transport/ipc.ts). */
export interface NativeDialogs {
  /** The chosen paths, or an empty list when cancelled. */
  open(options: DialogOptions): Promise<string[]>;
  /** The chosen path, or null when cancelled. */
  save(options: DialogOptions): Promise<string | null>;
}

const TITLES: Record<PickPurpose, string> = {
  workspace: 'Workspace',
  clip: 'Clip (video file or frame folder)',
  'frame-folder': 'Frame folder',
  sheet: 'Dataset sheet',
  'dataset-root': 'Dataset folder',
  'export-folder': 'Export folder',
  'model-folder': 'Model folder',
};

const PROPERTIES: Record<PickKind, readonly string[]> = {
  'open-file': ['openFile', 'dontAddToRecent'],
  'open-folder': ['openDirectory', 'dontAddToRecent'],
  'save-file': ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
};

export function dialogOptions(request: PickRequest, defaultPath: string): DialogOptions {
  return {
    title: TITLES[request.purpose],
    defaultPath,
    properties: PROPERTIES[request.kind],
    ...(request.filters?.length ? { filters: request.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })) } : {}),
  };
}

/**
 * Shows the native dialog for `request`, starting in the first root, and checks the
 * chosen path with the same roots rule the file browser uses: a path outside the roots
 * (or through a link leading out of them) is refused with FORBIDDEN, never returned.
 * Returns the real path, or null when the user cancelled.
 */
export async function pickWithDialogs(dialogs: NativeDialogs, request: PickRequest, roots: readonly string[]): Promise<string | null> {
  const options = dialogOptions(request, roots[0] ?? '');
  if (request.kind === 'save-file') {
    const chosen = await dialogs.save(options);
    return chosen ? resolvePicked(chosen, 'save-file', roots) : null;
  }
  const [chosen] = await dialogs.open(options);
  return chosen ? resolvePicked(chosen, request.kind, roots) : null;
}

/**
 * A picked path checked against the roots (links followed) and against the kind asked
 * for: a folder for open-folder, a file for open-file, a writable name for save-file.
 */
export async function resolvePicked(path: string, kind: PickKind, roots: readonly string[]): Promise<string> {
  if (kind === 'save-file') return (await resolveSaveTarget(path, roots)).real;
  const { real } = await resolveInsideRoots(path, roots);
  const isFolder = (await stat(real)).isDirectory();
  if (kind === 'open-folder' && !isFolder) throw new AppError('INVALID_INPUT', `${real} is a file; choose a folder.`);
  if (kind === 'open-file' && isFolder) throw new AppError('INVALID_INPUT', `${real} is a folder; choose a file.`);
  return real;
}
