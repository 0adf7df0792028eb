import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { frameIndex } from './frame-numbers';
import type { ImportText } from '@shared/import-messages';
import type { ClipProbe, ClipProber } from './plan';

/** A clip found and indexed: dataset frame numbers and frame file names to 0-based positions. */
export interface ResolvedClip {
  readonly path: string;
  readonly probe: ClipProbe;
  /** `gap`: the folder lacks that frame; null: outside the clip. */
  toPosition(datasetFrame: number): number | 'gap' | null;
  /** The position of a frame file (sequences only). */
  positionOf(file: string): number | null;
}

export type ClipLookup =
  | ({ ok: true } & ResolvedClip)
  | { ok: false; path: string | null; text: ImportText; kind: 'clip-not-found' | 'clip-unreadable' | 'frame-not-in-clip' };

interface ClipIndex {
  readonly toPosition: (n: number) => number | 'gap' | null;
  readonly positionOf: (file: string) => number | null;
}

/** Entries read from one folder when a name has to be matched regardless of letter case. */
const MAX_LISTING = 200_000;

const fold = (name: string) => name.normalize('NFC').toLowerCase();

/**
 * Finds each row's clip under the media root and maps dataset frame numbers (or frame
 * file names) to 0-based positions; each clip is probed and listed once however many
 * rows name it. A folder whose name differs from the sheet's only in letter case
 * (CAS(ME)³'s `spNO.1` in the sheet, `spNo.1_…` on disk) or Unicode form (copied from
 * macOS) is found when it is the only such folder.
 */
export class ClipResolver {
  readonly probes = new Map<string, ClipProbe>();
  readonly #indexes = new Map<string, ClipIndex | ImportText>();
  /** Whether each path exists: sheets name the same clip on many rows. */
  readonly #exists = new Map<string, Promise<boolean>>();
  /** Folder listings by folded name, read only when an exact name is missing. */
  readonly #listings = new Map<string, Promise<Map<string, string[]>>>();

  constructor(
    private readonly root: string,
    private readonly prober: ClipProber,
  ) {}

  /**
   * The first candidate folder that exists (and holds `file`, when a frame file is
   * named), probed with `fps` as the frame rate of a frame folder.
   */
  async resolve(candidates: readonly (readonly string[])[], fps: number, file?: string): Promise<ClipLookup> {
    const tried: string[] = [];
    let path: string | null = null;
    for (const segments of candidates) {
      tried.push(join(this.root, ...segments, file ?? ''));
      const found = await this.#locate(segments);
      if (found && (file === undefined || (await this.#locate([file], found)))) {
        path = found;
        break;
      }
    }
    if (!path) return { ok: false, path: null, kind: 'clip-not-found', text: { key: file ? 'frameFileNotFound' : 'clipNotFound', params: { tried: tried.join(', ') } } };
    if (!this.#indexes.has(path)) this.#indexes.set(path, await this.#index(path, fps));
    const index = this.#indexes.get(path);
    const probe = this.probes.get(path);
    if (!index || 'key' in index || !probe) return { ok: false, path, kind: 'clip-unreadable', text: index && 'key' in index ? index : { key: 'clipUnreadable', params: { path, detail: 'not probed' } } };
    return { ok: true, path, probe, ...index };
  }

  /** Walks `segments` down from `from`: exact names first, then the one name equal but for case or Unicode form. */
  async #locate(segments: readonly string[], from = this.root): Promise<string | null> {
    let dir = from;
    for (const segment of segments) {
      const exact = [join(dir, segment), join(dir, segment.normalize('NFD'))];
      let next: string | null = null;
      for (const candidate of new Set(exact)) {
        if (await this.#existsAt(candidate)) {
          next = candidate;
          break;
        }
      }
      if (!next) {
        const same = (await this.#listing(dir)).get(fold(segment)) ?? [];
        if (same.length !== 1) return null;
        next = join(dir, same[0] as string);
      }
      dir = next;
    }
    return dir;
  }

  #existsAt(path: string): Promise<boolean> {
    let known = this.#exists.get(path);
    if (!known) {
      known = stat(path).then(
        () => true,
        () => false,
      );
      this.#exists.set(path, known);
    }
    return known;
  }

  #listing(dir: string): Promise<Map<string, string[]>> {
    let listing = this.#listings.get(dir);
    if (!listing) {
      listing = (async () => {
        const byName = new Map<string, string[]>();
        let count = 0;
        try {
          for await (const entry of await opendir(dir)) {
            if (++count > MAX_LISTING) break;
            const key = fold(entry.name);
            byName.set(key, [...(byName.get(key) ?? []), entry.name]);
          }
        } catch {
          // Not a folder, or unreadable: nothing to match against.
        }
        return byName;
      })();
      this.#listings.set(dir, listing);
    }
    return listing;
  }

  /** Sequences: indexed as the media reader indexes them; videos: sheets count frames from 1. */
  async #index(path: string, fps: number): Promise<ClipIndex | ImportText> {
    try {
      const probed = await this.prober(path, fps);
      // A frame folder carries no rate: the sheet's (or the dataset's) is the clip's.
      const probe = probed.kind === 'sequence' ? { ...probed, fps } : probed;
      this.probes.set(path, probe);
      if (probe.kind === 'video') return { toPosition: (n) => (n >= 1 && n <= probe.frames ? n - 1 : null), positionOf: () => null };
      const index = await frameIndex(path);
      const inClip = (position: number | null) => (position !== null && position < probe.frames ? position : null);
      return {
        toPosition: (n) => {
          const position = index.position(n);
          return position === 'gap' ? position : inClip(position);
        },
        positionOf: (file) => inClip(index.positionOf(file)),
      };
    } catch (error) {
      return { key: 'clipUnreadable', params: { path, detail: (error as Error).message } };
    }
  }
}
