import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { AppError } from '@shared/errors';
import { MediaLocationSchema, type AdoptReport, type MediaLocation, type MediaRoots } from '@shared/media-roots';
import type { Clip } from '@shared/workspace';
import { hashMedia } from '../media/hash';
import { sequenceStamp } from '../media/sequence';
import type { WorkspaceStore } from '../store';
import { isInside } from '../util/roots';

/**
 * Media roots on this workstation (shared/media-roots.ts): where a clip stored under a
 * named root is found here, which root a newly added clip falls under, and whether the
 * local copy is the media the workspace describes (its content hash).
 */

const SETTINGS_HINT = 'map it in Settings → Media roots, or with `mellm media-roots set <name> <folder>`';

/** The named root holding `absolutePath` (symbolic links followed; the deepest root wins), or null. */
export async function mediaLocationOf(absolutePath: string, roots: MediaRoots): Promise<MediaLocation | null> {
  const real = await realpath(absolutePath).catch(() => null);
  if (real === null) return null;
  let best: { name: string; folder: string } | null = null;
  for (const [name, folder] of Object.entries(roots)) {
    if (!isAbsolute(folder)) continue;
    const root = await realpath(folder).catch(() => null);
    if (root === null || root === real || !isInside(root, real)) continue;
    if (!best || root.length > best.folder.length) best = { name, folder: root };
  }
  if (!best) return null;
  const parsed = MediaLocationSchema.safeParse({ root: best.name, path: relative(best.folder, real).split(sep).join('/') });
  return parsed.success ? parsed.data : null;
}

/**
 * Where this workstation finds the clip: under its root's local folder when it has a
 * root, else at its stored path. A root this workstation has not mapped is an error
 * that names it and says how to map it.
 */
export function localClipPath(clip: Clip, roots: MediaRoots): string {
  if (clip.mediaRoot === null || clip.mediaPath === null) return clip.path;
  const folder = roots[clip.mediaRoot];
  if (folder === undefined || !isAbsolute(folder)) {
    throw new AppError('NOT_FOUND', `Clip ${clip.id} lives under the media root “${clip.mediaRoot}” (${clip.mediaPath}), which this workstation has not mapped: ${SETTINGS_HINT}.`);
  }
  return join(folder, ...clip.mediaPath.split('/'));
}

/** The clip as this workstation sees it: `path` is its local location where its root is mapped. */
export function localizeClip(clip: Clip, roots: MediaRoots): Clip {
  if (clip.mediaRoot === null || roots[clip.mediaRoot] === undefined) return clip;
  return { ...clip, path: localClipPath(clip, roots) };
}

/** size + mtime of a file, or of every frame of a folder: changes whenever the content may have. */
async function contentStamp(path: string): Promise<string> {
  const info = await stat(path).catch((error: unknown) => {
    throw new AppError('NOT_FOUND', `No such file or folder: ${path}`, { cause: error });
  });
  if (!info.isDirectory()) return `${info.size}:${info.mtimeMs}:${info.ino}`;
  const s = await sequenceStamp(path);
  return `${s.size}:${s.mtimeMs}:${s.count}`;
}

/**
 * Checks that a local copy is the clip's media (same sha256) before frames are shown or
 * analysed from it. Hashes are remembered per file and stamp, so a clip is hashed once
 * per change, not once per open.
 */
export class LocalCopyCheck {
  readonly #known = new Map<string, { stamp: string; sha256: string }>();
  /** Hashing reads the whole clip: the oldest entries go past this many. */
  static readonly MAX_ENTRIES = 4096;

  async verify(clip: Clip, localPath: string): Promise<void> {
    if (clip.sha256 === null) return;
    const actual = await this.#hash(localPath);
    if (actual === clip.sha256) return;
    const where = clip.mediaRoot ? ` (media root “${clip.mediaRoot}”, ${clip.mediaPath})` : '';
    throw new AppError(
      'MEDIA_MISMATCH',
      `${localPath}${where} is not the media this workspace holds for clip ${clip.id}: its content hash is ${actual.slice(0, 12)}…, the workspace's ${clip.sha256.slice(0, 12)}…. ` +
        'Another version or a different file is in its place; nothing was shown or analysed from it. Put the original there, or map the root to a folder holding it.',
    );
  }

  async #hash(path: string): Promise<string> {
    const stamp = await contentStamp(path);
    const known = this.#known.get(path);
    if (known?.stamp === stamp) return known.sha256;
    const sha256 = await hashMedia(path);
    this.#known.delete(path);
    this.#known.set(path, { stamp, sha256 });
    if (this.#known.size > LocalCopyCheck.MAX_ENTRIES) this.#known.delete(this.#known.keys().next().value as string);
    return sha256;
  }
}

/** Stores a root location for every clip that lies under one of this workstation's roots and has none yet. */
export async function adoptMediaRoots(workspace: WorkspaceStore, roots: MediaRoots): Promise<AdoptReport> {
  let adopted = 0;
  let unchanged = 0;
  const conflicts: Array<{ clipId: number; message: string }> = [];
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await workspace.clips.list({ limit: pageSize, offset });
    for (const clip of page) {
      const location = clip.mediaRoot === null ? await mediaLocationOf(clip.path, roots) : null;
      if (location === null) {
        unchanged++;
        continue;
      }
      try {
        await workspace.clips.setMediaLocation(clip.id, location);
        adopted++;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'INVALID_INPUT') throw error;
        conflicts.push({ clipId: clip.id, message: error.message });
      }
    }
    if (page.length < pageSize) break;
  }
  return { adopted, unchanged, conflicts };
}

/** Reads this workstation's roots from Settings on every call (they change while the app runs). */
export interface MediaRootsSource {
  get(): Promise<{ readonly mediaRoots: MediaRoots }>;
}

/** The one place that turns a workspace clip into a local file this workstation may read. */
export class ClipLocator {
  readonly #settings: MediaRootsSource;
  readonly #check = new LocalCopyCheck();

  constructor(settings: MediaRootsSource) {
    this.#settings = settings;
  }

  async roots(): Promise<MediaRoots> {
    return (await this.#settings.get()).mediaRoots;
  }

  /**
   * The clip's local file or frame folder. A clip under a media root is checked to be the
   * workspace's media (each workstation holds its own copy); a clip known by its path
   * alone is the file the workspace was given.
   */
  async locate(clip: Clip): Promise<string> {
    const local = localClipPath(clip, await this.roots());
    if (clip.mediaRoot !== null) await this.#check.verify(clip, local);
    return local;
  }

  /** The clip with `path` where this workstation finds it. */
  async localize(clip: Clip): Promise<Clip> {
    return localizeClip(clip, await this.roots());
  }

  /** The root location to store for a clip being added from `absolutePath` (null: under no mapped root). */
  async locationFor(absolutePath: string): Promise<MediaLocation | null> {
    return mediaLocationOf(absolutePath, await this.roots());
  }
}
