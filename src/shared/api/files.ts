import { z } from 'zod';
import { channel } from './channel';

/**
 * One pick-a-path contract for every path field: what the path is for and whether a
 * file is opened, a folder opened or a file saved. Electron answers with its native
 * dialogs (`files.pick`); in a browser the renderer shows its own file browser over
 * `files.list`. Both give back an absolute path inside the allowed roots, or null.
 */
export const PICK_PURPOSES = ['workspace', 'clip', 'frame-folder', 'sheet', 'dataset-root', 'export-folder', 'model-folder'] as const;
export const PickPurposeSchema = z.enum(PICK_PURPOSES);
export type PickPurpose = z.infer<typeof PickPurposeSchema>;

export const PICK_KINDS = ['open-file', 'open-folder', 'save-file'] as const;
export const PickKindSchema = z.enum(PICK_KINDS);
export type PickKind = z.infer<typeof PickKindSchema>;

export const FileFilterSchema = z
  .object({
    name: z.string().min(1).max(80),
    /** Extensions without the dot, e.g. `mp4`. */
    extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/)).min(1).max(16),
  })
  .strict();
export type FileFilter = z.infer<typeof FileFilterSchema>;

export const PickRequestSchema = z
  .object({
    purpose: PickPurposeSchema,
    kind: PickKindSchema,
    filters: z.array(FileFilterSchema).max(8).optional(),
  })
  .strict();
export type PickRequest = z.infer<typeof PickRequestSchema>;

export const FolderEntrySchema = z.object({
  name: z.string(),
  /** Absolute path of the entry as listed (inside the listed folder). */
  path: z.string(),
  kind: z.enum(['folder', 'file']),
});
export type FolderEntry = z.infer<typeof FolderEntrySchema>;

export const ListFolderRequestSchema = z
  .object({
    /** The folder to list; null or absent lists the allowed roots. */
    path: z.string().min(1).max(4096).nullable().optional(),
    /** Files not matching these are left out (folders always show). */
    filters: z.array(FileFilterSchema).max(8).optional(),
  })
  .strict();

export const FolderListingSchema = z.object({
  /** The folder listed (its real path), or null for the list of roots. */
  path: z.string().nullable(),
  /** The folder above, or null at a root (going up from a root shows the roots). */
  parent: z.string().nullable(),
  /** The path separator of the machine the files are on. */
  separator: z.enum(['/', '\\']),
  entries: z.array(FolderEntrySchema),
  /** True when the folder holds more entries than one listing returns. */
  truncated: z.boolean(),
  roots: z.array(z.string()),
});
export type FolderListing = z.infer<typeof FolderListingSchema>;

export const filesChannels = {
  /** The native dialog (Electron); over the bridge it is refused: the page browses with files.list. */
  'files.pick': channel(PickRequestSchema, z.object({ path: z.string().nullable() })),
  'files.list': channel(ListFolderRequestSchema, FolderListingSchema),
  /** The browser picker's answer, checked like a native dialog's: the real path inside the roots, or refused. */
  'files.resolve': channel(z.object({ path: z.string().min(1).max(4096), kind: PickKindSchema }).strict(), z.object({ path: z.string() })),
};
