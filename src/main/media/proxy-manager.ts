import { basename } from 'node:path';
import { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import { locateFfmpeg } from './ffmpeg';
import { buildProxy } from './proxy-build';
import { evictProxies, openProxy, proxyDir, sourceStamp, type ProxyFile } from './proxy-store';

/** What a proxy build sees of the job it runs in. */
export interface ProxyJobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
}

/** The part of the job queue proxies use (the app's job queue): builds show up as jobs with progress. */
export interface ProxyJobRunner {
  add<T>(kind: string, label: string, run: (context: ProxyJobContext) => Promise<T>, options?: { unlimited?: boolean }): { readonly jobId: string; readonly result: Promise<T> };
  cancel(jobId: string): boolean;
}

export interface ProxyOptions {
  /** Cache folder holding one sub-folder per clip (user data `cache/proxies`). */
  readonly dir: string;
  /** Budget of the whole proxy cache; least recently used proxies are deleted beyond it. */
  readonly maxMB?: number;
  /**
   * Videos shorter than this get no proxy (default 0: every video). Short clips need one
   * too: without it an uncached step decodes from the previous keyframe (74 ms p95 at
   * 640×480), with it the step is one read of a stored JPEG; a minute costs ≈ 37 MB.
   */
  readonly minSeconds?: number;
  readonly maxWidth?: number;
  /** mjpeg -q:v; 5 looks the same as the source at display size. */
  readonly quality?: number;
  readonly jobs?: ProxyJobRunner;
  readonly ffmpeg?: string;
}

export const PROXY_JOB_KIND = 'media.proxy';
export const DEFAULT_PROXY_CACHE_MB = 8192;

export type ProxyState = 'loading' | 'building' | 'ready' | 'failed';

interface Entry {
  state: ProxyState;
  proxy: ProxyFile | null;
  settled: Promise<ProxyFile | null>;
  jobId: string | null;
  abort: AbortController | null;
  released: boolean;
  error: AppError | null;
}

/**
 * Display proxies of videos: on open, an existing proxy is reused or a build is
 * started in the background (never blocking the open). `get()` answers synchronously
 * with the ready proxy or null (then the caller decodes the source as before).
 * Proxies are for display only: analysis reads the source through the frame reader.
 */
export class ProxyManager {
  readonly #entries = new Map<string, Entry>();
  #limitBytes: number;
  #builds: Promise<unknown> = Promise.resolve();

  constructor(readonly options: ProxyOptions) {
    this.#limitBytes = (options.maxMB ?? DEFAULT_PROXY_CACHE_MB) * 2 ** 20;
  }

  /** Whether a clip gets a proxy: a video at least minSeconds long. */
  wants(info: MediaInfo): boolean {
    return info.kind === 'video' && info.frames > 0 && info.durationSec >= (this.options.minSeconds ?? 0);
  }

  /** Starts loading or building the clip's proxy, once `startAfter` resolves, if it wants one; returns at once. */
  prepare(clipId: string, info: MediaInfo, startAfter: Promise<void> = Promise.resolve()): void {
    if (!this.wants(info) || this.#entries.has(clipId)) return;
    const entry: Entry = { state: 'loading', proxy: null, settled: Promise.resolve(null), jobId: null, abort: null, released: false, error: null };
    this.#entries.set(clipId, entry);
    entry.settled = startAfter.then(() => (entry.released ? null : this.#loadOrBuild(clipId, info, entry))).then(
      async (proxy) => {
        if (entry.released) {
          await proxy?.close();
          return null;
        }
        entry.proxy = proxy;
        entry.state = proxy ? 'ready' : 'failed';
        return proxy;
      },
      (error: unknown) => {
        entry.state = 'failed';
        entry.error = AppError.from(error);
        return null;
      },
    );
  }

  /** The clip's proxy when it is ready, else null. */
  get(clipId: string): ProxyFile | null {
    return this.#entries.get(clipId)?.proxy ?? null;
  }

  status(clipId: string): { state: ProxyState | 'none'; jobId: string | null; error: AppError | null } {
    const entry = this.#entries.get(clipId);
    return entry ? { state: entry.state, jobId: entry.jobId, error: entry.error } : { state: 'none', jobId: null, error: null };
  }

  /** Resolves when the clip's proxy is ready (or failed, was cancelled or is not wanted: null). */
  settled(clipId: string): Promise<ProxyFile | null> {
    return this.#entries.get(clipId)?.settled ?? Promise.resolve(null);
  }

  /** Stops a build in progress and closes the clip's proxy (the files stay for next time). */
  release(clipId: string): void {
    const entry = this.#entries.get(clipId);
    if (!entry) return;
    entry.released = true;
    this.#entries.delete(clipId);
    if (entry.jobId) this.options.jobs?.cancel(entry.jobId);
    entry.abort?.abort();
    void entry.proxy?.close();
  }

  setLimitMB(megabytes: number): Promise<string[]> {
    this.#limitBytes = megabytes * 2 ** 20;
    return this.evict();
  }

  /** Deletes least recently used proxies beyond the budget; open or building ones stay. */
  evict(): Promise<string[]> {
    return evictProxies(this.options.dir, this.#limitBytes, new Set(this.#entries.keys()));
  }

  close(): void {
    for (const clipId of [...this.#entries.keys()]) this.release(clipId);
  }

  async #loadOrBuild(clipId: string, info: MediaInfo, entry: Entry): Promise<ProxyFile | null> {
    const source = await sourceStamp(info.path);
    const dir = proxyDir(this.options.dir, clipId);
    const existing = await openProxy(dir, source, info.frames);
    if (existing || entry.released) return existing;
    entry.state = 'building';
    const build = (context: Pick<ProxyJobContext, 'signal' | 'progress'>) =>
      buildProxy({
        ffmpeg: this.options.ffmpeg ?? locateFfmpeg().path,
        info,
        source,
        dir,
        maxWidth: this.options.maxWidth ?? 1280,
        quality: this.options.quality ?? 5,
        maxBytes: this.#limitBytes,
        signal: context.signal,
        onProgress: (done, total) => context.progress(done, total),
      });
    // One build at a time: several long clips opened together share the idle CPU in turn.
    const run = (context: Pick<ProxyJobContext, 'signal' | 'progress'>) => {
      const turn = this.#builds.then(() => build(context));
      this.#builds = turn.catch(() => undefined);
      return turn;
    };
    const jobs = this.options.jobs;
    if (jobs) {
      const handle = jobs.add(PROXY_JOB_KIND, `Display proxy of ${basename(info.path)}`, run, { unlimited: true });
      entry.jobId = handle.jobId;
      await handle.result;
    } else {
      entry.abort = new AbortController();
      await run({ signal: entry.abort.signal, progress: () => undefined });
    }
    await this.evict();
    return entry.released ? null : openProxy(dir, source, info.frames);
  }
}
