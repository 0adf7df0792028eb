import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FrameSource } from '../../src/main/media/library';
import { confine, createRouter } from '../../src/main/transport/routes';
import { AppError } from '../../src/shared/errors';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

function renderer(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

/** A frame source with one known clip, to pin the route's contract (the media layer supplies the real one). */
const oneClip: FrameSource = {
  async encodeFrame(request) {
    if (request.clipId !== 'known') throw new AppError('NOT_FOUND', `No clip ${request.clipId}`);
    if (request.index > 9) throw new AppError('NOT_FOUND', `Frame ${request.index} is past the end`);
    return { data: new Uint8Array([request.index]), etag: `"known-${request.index}-${request.format}"` };
  },
};

describe('GET routes', () => {
  it('serves the renderer with a CSP on HTML only', async () => {
    const route = createRouter({ rendererDir: renderer(), frames: () => null });
    const page = await route('/', new URLSearchParams());
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const script = await route('/assets/app.js', new URLSearchParams());
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['content-security-policy']).toBeUndefined();
  });

  it('never serves files outside the renderer folder', async () => {
    const route = createRouter({ rendererDir: renderer(), frames: () => null });
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/x', '/%00', '/%E0%A4%A']) {
      expect((await route(path, new URLSearchParams())).status, path).toBe(404);
    }
    expect(confine('/srv/app', '../etc/passwd')).toBeNull();
    expect(confine('/srv/app', 'a/../../b')).toBeNull();
    expect(confine('/srv/app', 'a/b.js')).toBe('/srv/app/a/b.js');
  });

  it('routes frames to the frame source with caching headers', async () => {
    const route = createRouter({ rendererDir: renderer(), frames: () => oneClip });
    const frame = await route('/frames/known/3.png', new URLSearchParams());
    expect(frame.status).toBe(200);
    expect(frame.headers['content-type']).toBe('image/png');
    expect(frame.headers['cache-control']).toContain('immutable');
    expect(Array.from(frame.body as Uint8Array)).toEqual([3]);
    const cached = await route('/frames/known/3.png', new URLSearchParams(), { ifNoneMatch: frame.headers.etag });
    expect(cached.status).toBe(304);
    expect((await route('/frames/known/12.png', new URLSearchParams())).status).toBe(404);
    expect((await route('/frames/other/1.png', new URLSearchParams())).status).toBe(404);
    expect((await route('/frames/known/1.bmp', new URLSearchParams())).status).toBe(400);
  });

  it('answers 404 for frames before any media layer is attached', async () => {
    const route = createRouter({ rendererDir: renderer(), frames: () => null });
    const answer = await route('/frames/known/1.jpg', new URLSearchParams());
    expect(answer.status).toBe(404);
    expect(JSON.parse(String(answer.body)).error.code).toBe('NOT_FOUND');
  });
});
