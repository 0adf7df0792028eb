import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants, getPriority, setPriority } from 'node:os';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { RAW_RGB_OUTPUT, type DecoderProcess } from './decoder';

/**
 * An ffmpeg started ahead of time, idle until it is told which file to decode from where.
 * Starting ffmpeg (loading its libraries) costs 75-500 ms on a loaded 2-core machine, far
 * more than the seek itself; a warm process skips that. It reads a one-entry concat script
 * from stdin, which it only parses at end of input:
 *   file 'file:<path>'  +  inpoint <absolute time half a frame before the target>
 * The concat demuxer seeks to the keyframe before the in-point and shifts timestamps so
 * that the in-point is 0; `select=gte(t,0)` drops the frames decoded before it. The first
 * frame out is then the target frame, exactly as with `-ss` (tests check both ways on the
 * same index-carrying videos).
 */
export class WarmFfmpeg {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  #used = false;

  /**
   * `background`: below this process's own CPU priority, for work the view's first frame
   * must not wait on: below normal in an app at normal priority, and still below the app
   * when the app itself runs niced (the same priority would share the cores evenly with
   * it). Not the lowest: a write may wait for it while analyses hold every core.
   */
  constructor(ffmpeg: string, background = false) {
    const args = ['-hide_banner', '-v', 'error', '-copyts', '-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,pipe', '-i', 'pipe:0'];
    args.push('-map', '0:V:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-vf', 'select=gte(t\\,0)', ...RAW_RGB_OUTPUT);
    this.#child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    // A process that dies while idle is simply not used; errors surface through `alive`.
    this.#child.on('error', () => undefined);
    this.#child.stdin.on('error', () => undefined);
    if (background && this.#child.pid !== undefined) {
      try {
        setPriority(this.#child.pid, backgroundPriority(getPriority()));
      } catch {
        // Not permitted or already gone: it runs at the normal priority.
      }
    }
  }

  /** Still idle and running: can be handed a file. */
  get alive(): boolean {
    return !this.#used && this.#child.exitCode === null && this.#child.signalCode === null && !this.#child.killed;
  }

  /**
   * Lets the owning process exit while this one is idle (a spare kept for later): the
   * process and its pipes stop holding the event loop until `start`.
   */
  letOwnerExit(): void {
    this.#child.unref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) (pipe as Partial<Socket>).unref?.();
  }

  /** Hands the process its input; it starts decoding at once. Usable once. */
  start(path: string, inpointSec: number): DecoderProcess {
    this.#used = true;
    this.#child.ref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) (pipe as Partial<Socket>).ref?.();
    const quoted = `file:${path}`.replace(/'/g, "'\\''");
    this.#child.stdin.end(`ffconcat version 1.0\nfile '${quoted}'\ninpoint ${inpointSec.toFixed(6)}\n`);
    return this.#child;
  }

  close(): void {
    if (!this.#used && this.#child.exitCode === null && !this.#child.killed) this.#child.kill('SIGKILL');
  }
}

/**
 * Below `own` by as much as below normal is below normal, short of the lowest (kept for
 * display proxies), and never above `own`: an app already at the lowest priorities keeps
 * the check beside it rather than ahead of it.
 */
export function backgroundPriority(own: number): number {
  const step = constants.priority.PRIORITY_BELOW_NORMAL - constants.priority.PRIORITY_NORMAL;
  return Math.max(own, Math.min(own + step, constants.priority.PRIORITY_LOW - 1));
}
