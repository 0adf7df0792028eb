import { describe, expect, it } from 'vitest';
import { frameUrl, parseFrameUrl } from '../../src/shared/frames';

const parse = (url: string) => {
  const parsed = new URL(url, 'http://x');
  return parseFrameUrl(parsed.pathname, parsed.searchParams);
};

describe('frame URL contract', () => {
  it('round-trips', () => {
    const request = { clipId: 'a1B2_c-3', index: 1234, format: 'webp' as const, width: 640 };
    expect(frameUrl(request)).toBe('/frames/a1B2_c-3/1234.webp?w=640');
    expect(parse(frameUrl(request)).data).toEqual(request);
    expect(parse('/frames/clip/0.png').data).toEqual({ clipId: 'clip', index: 0, format: 'png' });
  });

  it.each([
    ['/frames/../etc/0.png'],
    ['/frames/%2e%2e%2fetc/0.png'],
    ['/frames/clip/-1.png'],
    ['/frames/clip/1.5.png'],
    ['/frames/clip/3.gif'],
    ['/frames/clip/3.png?w=5'],
    ['/frames/clip/3.png?w=abc'],
    ['/frames/clip/'],
  ])('rejects %s', (url) => {
    expect(parse(url).success).toBe(false);
  });
});
