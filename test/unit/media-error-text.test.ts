import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeMedia } from '../../src/main/media/probe';
import { lastErrorLine } from '../../src/main/media/tools';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-media-error-');

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('media error texts name the file once', () => {
  it("drops ffmpeg's own '<input>: ' prefix when the message already names the file", () => {
    const stderr = 'ffmpeg version 6\n  built with gcc\n/data/clip.mp4: Invalid data found when processing input\n';
    expect(lastErrorLine(stderr, '/data/clip.mp4')).toBe('Invalid data found when processing input');
    expect(lastErrorLine(stderr)).toBe('/data/clip.mp4: Invalid data found when processing input');
    expect(lastErrorLine('other.mp4: Invalid data\n', '/data/clip.mp4')).toBe('other.mp4: Invalid data');
    expect(lastErrorLine('', '/data/clip.mp4')).toBe('no details');
  });

  it('a file that is not a video is refused as MEDIA_UNREADABLE with its path once', async () => {
    const path = join(tempDir(), 'not-a-video.mp4');
    writeFileSync(path, 'this is text, not a video\n'.repeat(40));
    const failure = await probeMedia(path).then(
      () => null,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(failure?.code).toBe('MEDIA_UNREADABLE');
    expect(failure?.message).toMatch(/^Cannot read video /);
    expect(occurrences(failure?.message ?? '', path)).toBe(1);
  });
});
