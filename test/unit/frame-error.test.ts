/**
 * The view's frame fetch (frame-bitmap.ts): a refused frame request reaches the view as the route's own
 * typed error, not as an undecodable image. What this cannot show: the decode itself
 * (createImageBitmap exists only in the browser; the e2e tests draw real frames).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { frameRequestError } from '../../src/renderer/src/state/frame-error';

describe('frameRequestError', () => {
  it("turns the frame route's JSON error into an AppError with its code and message", async () => {
    const body = { ok: false, error: { code: 'NOT_FOUND', message: 'No clip abc is open' } };
    const failure = await frameRequestError(new Response(JSON.stringify(body), { status: 404, headers: { 'content-type': 'application/json' } }));
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'NOT_FOUND', message: 'No clip abc is open' });
  });

  it('names the HTTP status when the answer carries no error body', async () => {
    const failure = await frameRequestError(new Response('<html>gateway</html>', { status: 502 }));
    expect(failure).toMatchObject({ code: 'MEDIA_UNREADABLE', message: 'Frame request failed: HTTP 502' });
  });
});
