/**
 * What the media library keeps about an open clip and a refused file, and the options an
 * open takes: the library's state, apart from the code that opens, checks and serves.
 */
import type { AppError } from '@shared/errors';
import type { MediaInfo } from '@shared/media';
import type { ProbedMedia, ProbeOptions } from './probe';
import type { ProxyManager } from './proxy-manager';
import type { FrameReader } from './reader';
import type { WarmFfmpeg } from './warm-ffmpeg';

export interface MediaLibraryOptions {
  /** Budget for decoded frames of all clips together. */
  readonly cacheMB?: number;
  /** Readers unused this long release their decoder processes and cached frames. */
  readonly idleMs?: number;
  readonly maxFramePixels?: number;
  /** Display proxies of videos, for fast random access through the frame route. */
  readonly proxies?: ProxyManager;
  /**
   * A clip answered before its last frame was checked (`lastFrameLater`) and then refused:
   * it is no longer open, and `settled` refuses its path with the same reason.
   */
  readonly onRefused?: (clipId: string, error: AppError) => void;
  /** How long the view's open holds back the last frame's check and the proxy's build for its first frame (ms). */
  readonly heavyWaitMs?: number;
  /**
   * Keep one idle ffmpeg loaded for the next open's first decode (for the view; ≈ 25 MB, no
   * CPU idle) and start the image encoder now: with the probe read in-process, loading
   * ffmpeg is most of what frame 0 waits for. Off for the CLI and analyses (few opens).
   */
  readonly spareDecoder?: boolean;
}

export interface OpenOptions {
  /**
   * Answer once frame 0 decodes; the last frame is checked after. For the view, which
   * shows frame 0 meanwhile: writes that name the clip wait on `settled` first.
   */
  readonly lastFrameLater?: boolean;
  /** A write's re-check of a refused file: checked, then closed, and no display proxy (no view shows it). */
  readonly checkOnly?: boolean;
}

/** Refusals kept for `settled`: a path refused after its answer, newest last. */
export const REFUSALS_KEPT = 64;

/**
 * Answered after frame 0, the last frame's check waits for frame 0's image to be handed to
 * the view, at most this long: its ffmpeg's start (≈ 200 ms of CPU loading libraries) is
 * the heaviest work of an open, and until frame 0 is served the route and the view's first
 * render need the cores. Writes naming the clip wait for the check, so the wait is bounded.
 */
export const LAST_CHECK_WAITS_MS = 1000;

/**
 * A refusal holds for the content that failed: the file's stamp when it was opened. A
 * changed stamp says only that the file may differ (a chmod changes it too), so the file
 * is checked again with the open's options before a write may name it.
 */
export interface Refusal {
  readonly error: AppError;
  readonly stamp: string;
  readonly options: ProbeOptions;
  /** The check of the changed file under way, shared by the writes that wait for that same content. */
  recheck?: { readonly stamp: string; readonly done: Promise<void> };
}

export interface OpenClip {
  readonly options: ProbeOptions;
  readonly probed: ProbedMedia;
  readonly info: MediaInfo;
  reader: FrameReader | null;
  lastUsed: number;
  /** Readers in use by a long reader (an analysis) are not closed as idle. */
  holds: number;
  /** The video's decode checks (see `open`): an open of the same clip meanwhile waits for them. */
  checked: Promise<void>;
  /** The size and frame-0 checks alone: what an open with `lastFrameLater` waits for. */
  shown: Promise<void>;
  /** Until `checked` settles. */
  pending: boolean;
  /** An ffmpeg started with the probe, for the reader's first decode (handed over once). */
  started: WarmFfmpeg | null;
  /** What the file was when opened (`contentStamp`): a re-open of changed content probes and checks again. */
  readonly stamp: string;
  /** Replaced by a later open: its processes close once nothing holds it. */
  retired?: boolean;
  /** The view's open: lets heavy work start once the view's first frame is served, whichever frame it asks for. */
  firstServed?: () => void;
  /** Opened by a write's re-check alone: closed after its checks unless another open joined it meanwhile. */
  checkOnly?: boolean;
}

/**
 * Closes a replaced clip's processes, or marks it to close when its last hold is released:
 * an analysis reading from it keeps its reader however the file is re-opened meanwhile.
 */
export function retire(clip: OpenClip): void {
  clip.retired = true;
  if (clip.holds > 0) return;
  clip.reader?.close();
  clip.reader = null;
  clip.started?.close();
  clip.started = null;
}
