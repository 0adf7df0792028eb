import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const systemFfmpeg = () => locateFfmpeg({ PATH: process.env.PATH }, { fresh: true, skipStatic: true });

describe('locateFfmpeg', () => {
  it('finds ffmpeg on PATH and reads its version', () => {
    const found = systemFfmpeg();
    expect(found.source).toBe('PATH');
    expect(found.version).toMatch(/^ffmpeg version /);
  });

  it('prefers FFMPEG_PATH over PATH', () => {
    const real = systemFfmpeg().path;
    const found = locateFfmpeg({ FFMPEG_PATH: real, PATH: process.env.PATH }, { fresh: true, skipStatic: true });
    expect(found).toMatchObject({ source: 'FFMPEG_PATH', path: real });
  });

  it('skips an FFMPEG_PATH that does not run and falls back to PATH', () => {
    const fake = join(tempDir(), 'ffmpeg');
    writeFileSync(fake, '#!/bin/sh\nexit 3\n');
    chmodSync(fake, 0o755);
    expect(locateFfmpeg({ FFMPEG_PATH: fake, PATH: process.env.PATH }, { fresh: true, skipStatic: true }).source).toBe('PATH');
  });

  it('names all three places when none works', () => {
    const empty = tempDir();
    let message = '';
    try {
      locateFfmpeg({ FFMPEG_PATH: join(empty, 'missing'), PATH: empty }, { fresh: true, skipStatic: true });
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code: string }).code).toBe('FFMPEG_NOT_FOUND');
    }
    expect(message).toMatch(/ffmpeg-static/);
    expect(message).toMatch(/FFMPEG_PATH/);
    expect(message).toMatch(/PATH: no ffmpeg on PATH/);
  });
});
