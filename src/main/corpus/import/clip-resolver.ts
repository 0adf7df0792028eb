import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { frameNumberIndex, sequenceFiles } from './frame-numbers';
import type { DatasetLayout, RowKeys } from './layouts';
import type { ClipProbe, ClipProber } from './plan';

type ToPosition = (datasetFrame: number) => number | null;

export type ClipLookup =
  | { ok: true; path: string; probe: ClipProbe; toPosition: ToPosition }
  | { ok: false; path: string | null; message: string };

/**
 * Finds each row's clip under the media root and maps dataset frame numbers to 0-based
 * positions; each clip is probed and listed once however many rows name it.
 */
export class ClipResolver {
  readonly probes = new Map<string, ClipProbe>();
  readonly #positions = new Map<string, ToPosition | string>();
  /** Whether each candidate path exists: sheets name the same clip on many rows. */
  readonly #exists = new Map<string, Promise<boolean>>();

  constructor(
    private readonly root: string,
    private readonly layout: DatasetLayout,
    private readonly prober: ClipProber,
  ) {}

  async resolve(keys: RowKeys): Promise<ClipLookup> {
    const tried: string[] = [];
    let path: string | null = null;
    search: for (const segments of this.layout.clipCandidates(keys)) {
      const candidate = join(this.root, ...segments);
      tried.push(candidate);
      // Sheets hold composed Unicode; folders copied from macOS may hold decomposed names.
      for (const form of new Set([candidate, candidate.normalize('NFD')])) {
        if (await this.#existsAt(form)) {
          path = form;
          break search;
        }
      }
    }
    if (!path) return { ok: false, path: null, message: `clip not found under the media root (tried ${tried.join(', ')})` };
    if (!this.#positions.has(path)) this.#positions.set(path, await this.#index(path));
    const positions = this.#positions.get(path);
    const probe = this.probes.get(path);
    if (typeof positions !== 'function' || !probe) return { ok: false, path, message: String(positions) };
    return { ok: true, path, probe, toPosition: positions };
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

  /** Sequences: the natural-sorted folder listing; videos: sheets count frames from 1. */
  async #index(path: string): Promise<ToPosition | string> {
    try {
      const probe = await this.prober(path);
      this.probes.set(path, probe);
      if (probe.kind === 'video') return (n) => (n >= 1 && n <= probe.frames ? n - 1 : null);
      const index = frameNumberIndex(await sequenceFiles(path));
      return (n) => {
        const position = index.get(n);
        return position !== undefined && position < probe.frames ? position : null;
      };
    } catch (error) {
      return `cannot read the clip ${path}: ${(error as Error).message}`;
    }
  }
}
