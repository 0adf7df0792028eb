import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { AppError } from '@shared/errors';
import { locateFfmpeg } from './ffmpeg';

export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs ffmpeg/ffprobe with an argument array (never a shell, so any file name is safe)
 * and collects its output. Resolves on any exit; rejects only when the tool cannot start.
 */
export function runTool(path: string, args: readonly string[], timeoutMs = 120_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 2 ** 20, windowsHide: true }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
      if (error && typeof error.code === 'string') {
        reject(new AppError('FFMPEG_NOT_FOUND', `Cannot run ${path}: ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

let cachedProbe: string | null | undefined;

/** ffprobe beside the ffmpeg in use, else on PATH; null when there is none (we then parse `ffmpeg -i`). */
export function locateFfprobe(env: NodeJS.ProcessEnv = process.env): string | null {
  if (cachedProbe !== undefined) return cachedProbe;
  const name = process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe';
  const dirs = [dirname(locateFfmpeg(env).path), ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
  cachedProbe = dirs.map((dir) => join(dir, name)).find(executable) ?? null;
  return cachedProbe;
}

/**
 * Last meaningful line of ffmpeg's stderr, for error messages. ffmpeg starts it with the
 * input's name (`/data/clip.mp4: Invalid data…`); give that `path` when the message
 * around the line names the file already, and the prefix is dropped.
 */
export function lastErrorLine(stderr: string, path?: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.at(-1) ?? 'no details';
  return path && line.startsWith(`${path}: `) ? line.slice(path.length + 2) : line;
}
