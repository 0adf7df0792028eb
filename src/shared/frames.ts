import { z } from 'zod';

/**
 * Frames travel by URL, not JSON: `/frames/<clipId>/<index>.<jpg|png|webp>[?w=<width>]`.
 * The same path is served by the Electron protocol (mellm://app/frames/…) and by the
 * loopback bridge, so the renderer uses one relative URL in both. Index is 0-based.
 */
export const FRAME_FORMATS = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
export type FrameFormat = keyof typeof FRAME_FORMATS;

export const FrameRequestSchema = z.object({
  clipId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clip id must be 1-64 letters, digits, _ or -'),
  index: z.number().int().min(0),
  format: z.enum(Object.keys(FRAME_FORMATS) as [FrameFormat, ...FrameFormat[]]),
  width: z.number().int().min(16).max(8192).optional(),
});
export type FrameRequest = z.infer<typeof FrameRequestSchema>;

export const FRAME_ROUTE_PREFIX = '/frames/';

export function frameUrl(request: FrameRequest): string {
  const query = request.width ? `?w=${request.width}` : '';
  return `${FRAME_ROUTE_PREFIX}${encodeURIComponent(request.clipId)}/${request.index}.${request.format}${query}`;
}

/** A malformed percent-encoding (`%E0%A4%A`) decodes to '' and fails validation as a bad clip id. */
function decodeOrEmpty(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/** Parses a frame URL's path and query; returns the zod result so callers can report issues. */
export function parseFrameUrl(pathname: string, search: URLSearchParams) {
  const match = /^\/frames\/([^/]+)\/(\d{1,9})\.([a-z]+)$/.exec(pathname);
  const width = search.get('w');
  return FrameRequestSchema.safeParse({
    clipId: match ? decodeOrEmpty(match[1] ?? '') : '',
    index: match ? Number(match[2]) : -1,
    format: match?.[3],
    width: width === null ? undefined : Number(width),
  });
}
