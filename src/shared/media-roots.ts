/**
 * Named media roots: a team's workstations keep a corpus in different folders
 * (`/data/casme2` here, `D:\corpora\CASME2` there). A clip stored under a root keeps the
 * root's name and its path inside it; each workstation maps the names to its own
 * folders in Settings, and the clip's content hash tells a true copy from another file.
 */
import { z } from 'zod';

/** A root's name as written in a team's instructions: `CASME2_RAW`, `samm-long`. */
export const MediaRootNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a media root name starts with a letter and uses letters, digits, “_”, “.” or “-” (at most 64)');

/**
 * A path inside a root, `/`-separated on every system: no empty, `.` or `..` segment, no
 * leading separator, no backslash or NUL (a Windows name would read differently elsewhere).
 */
export const MediaPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\\') && !path.includes('\0'), 'a media path uses “/” and has no NUL')
  .refine((path) => path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'), 'a media path has no empty, “.” or “..” segment');

/** Where a clip lives relative to a named root. */
export const MediaLocationSchema = z.object({ root: MediaRootNameSchema, path: MediaPathSchema }).strict();
export type MediaLocation = z.infer<typeof MediaLocationSchema>;

/** This workstation's map of root names to absolute local folders (Settings). */
export const MediaRootsSchema = z
  .record(MediaRootNameSchema, z.string().min(1).max(4096))
  .refine((roots) => Object.keys(roots).length <= 64, 'at most 64 media roots');
export type MediaRoots = z.infer<typeof MediaRootsSchema>;

/** What storing root locations for a workspace's clips did (`clips.adoptMediaRoots`). */
export const AdoptReportSchema = z.object({
  adopted: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  conflicts: z.array(z.object({ clipId: z.number().int().positive(), message: z.string() })),
});
export type AdoptReport = z.infer<typeof AdoptReportSchema>;
