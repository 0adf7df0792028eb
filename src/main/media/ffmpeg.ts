import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AppError } from '@shared/errors';
import { unpackedPath } from '../util/asar';
import { nodeRequire } from '../util/node-require';

export type FfmpegSource = 'ffmpeg-static' | 'FFMPEG_PATH' | 'PATH';

export interface FfmpegLocation {
  readonly path: string;
  readonly source: FfmpegSource;
  /** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1". */
  readonly version: string;
}

interface Candidate {
  readonly source: FfmpegSource;
  readonly path: string | null;
  readonly why: string;
}

/** ffmpeg-static is an optional dependency: its binary download fails on offline machines. */
function fromFfmpegStatic(): Candidate {
  try {
    const resolved = nodeRequire('ffmpeg-static') as string | null;
    const path = resolved ? unpackedPath(resolved) : null;
    return { source: 'ffmpeg-static', path, why: path ? '' : 'no binary for this platform' };
  } catch {
    return { source: 'ffmpeg-static', path: null, why: 'package not installed' };
  }
}

function fromPath(env: NodeJS.ProcessEnv): Candidate {
  const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return { source: 'PATH', path, why: '' };
    } catch {
      // not here
    }
  }
  return { source: 'PATH', path: null, why: 'no ffmpeg on PATH' };
}

function probeVersion(path: string): string | null {
  const run = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0 || !run.stdout) return null;
  return run.stdout.split('\n', 1)[0]?.trim() ?? null;
}

let cached: FfmpegLocation | undefined;

/**
 * Finds a working ffmpeg: the ffmpeg-static binary, then $FFMPEG_PATH, then `ffmpeg`
 * on PATH. Each candidate must answer `-version`. Throws FFMPEG_NOT_FOUND naming all three.
 */
export function locateFfmpeg(
  env: NodeJS.ProcessEnv = process.env,
  options: { fresh?: boolean; skipStatic?: boolean } = {},
): FfmpegLocation {
  if (cached && !options.fresh) return cached;
  const candidates: Candidate[] = [
    options.skipStatic ? { source: 'ffmpeg-static', path: null, why: 'skipped' } : fromFfmpegStatic(),
    env.FFMPEG_PATH
      ? { source: 'FFMPEG_PATH', path: env.FFMPEG_PATH, why: '' }
      : { source: 'FFMPEG_PATH', path: null, why: 'not set' },
    fromPath(env),
  ];
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (!candidate.path) {
      tried.push(`${candidate.source}: ${candidate.why}`);
      continue;
    }
    const version = probeVersion(candidate.path);
    if (version) {
      cached = { path: candidate.path, source: candidate.source, version };
      return cached;
    }
    tried.push(`${candidate.source}: ${candidate.path} does not run`);
  }
  throw new AppError(
    'FFMPEG_NOT_FOUND',
    `ffmpeg was not found (${tried.join('; ')}). Install ffmpeg-static, set FFMPEG_PATH, or put ffmpeg on PATH.`,
  );
}
