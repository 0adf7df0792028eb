import { AppError, issuesFromZod } from '@shared/errors';
import { FRAME_FORMATS, parseFrameUrl } from '@shared/frames';
import type { FrameSource } from '../media/library';
import { jsonResponse, type HttpResponse } from './http';

const STATUS: Partial<Record<AppError['code'], number>> = { NOT_FOUND: 404, INVALID_INPUT: 400, MEDIA_UNREADABLE: 422, BUSY: 503 };
/** Seconds a client is asked to wait when frame work is at capacity. */
const BUSY_RETRY_SECONDS = 1;

/** GET /frames/<clipId>/<index>.<fmt>: the frame route both transports serve. */
export async function serveFrame(
  source: FrameSource | null,
  pathname: string,
  search: URLSearchParams,
  ifNoneMatch?: string,
): Promise<HttpResponse> {
  const parsed = parseFrameUrl(pathname, search);
  if (!parsed.success) {
    const error = new AppError('INVALID_INPUT', 'Invalid frame URL', { issues: issuesFromZod(parsed.error) });
    return jsonResponse(400, { ok: false, error: error.toJSON() });
  }
  if (!source) {
    return jsonResponse(404, { ok: false, error: { code: 'NOT_FOUND', message: `No clip ${parsed.data.clipId} is open` } });
  }
  try {
    const frame = await source.encodeFrame(parsed.data);
    const headers = {
      'content-type': FRAME_FORMATS[parsed.data.format],
      // A clip's frames never change for a given id (ids derive from content hashes).
      'cache-control': 'private, max-age=31536000, immutable',
      etag: frame.etag,
    };
    if (ifNoneMatch === frame.etag) return { status: 304, headers, body: '' };
    return { status: 200, headers, body: frame.data };
  } catch (error) {
    const appError = AppError.from(error);
    const retry: Record<string, string> = appError.code === 'BUSY' ? { 'retry-after': String(BUSY_RETRY_SECONDS) } : {};
    return jsonResponse(STATUS[appError.code] ?? 500, { ok: false, error: appError.toJSON() }, retry);
  }
}
