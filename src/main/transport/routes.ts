import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { FRAME_ROUTE_PREFIX } from '@shared/frames';
import type { FrameSource } from '../media/library';
import { serveFrame } from './frame-route';
import { contentSecurityPolicy } from '../security';
import { jsonResponse, type HttpResponse } from './http';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export interface RouteOptions {
  readonly rendererDir: string;
  readonly frames: () => FrameSource | null;
  /** Extra connect-src entries for the CSP (the bridge's WebSocket origin). */
  readonly connect?: readonly string[];
}

export type Router = (pathname: string, search: URLSearchParams, headers?: { ifNoneMatch?: string }) => Promise<HttpResponse>;

/** GET routes shared by the Electron protocol and the bridge: the renderer's files and frames. */
export function createRouter(options: RouteOptions): Router {
  const csp = contentSecurityPolicy({ connect: options.connect ?? [] });
  return async (pathname, search, headers = {}) => {
    if (pathname.startsWith(FRAME_ROUTE_PREFIX)) {
      return serveFrame(options.frames(), pathname, search, headers.ifNoneMatch);
    }
    const relative = pathname === '/' ? 'index.html' : decodeSafe(pathname.slice(1));
    const file = relative === null ? null : confine(options.rendererDir, relative);
    if (!file) return jsonResponse(404, { ok: false, error: { code: 'NOT_FOUND', message: 'Not found' } });
    try {
      const body = await readFile(file);
      const type = MIME[extname(file)] ?? 'application/octet-stream';
      const isHtml = type.startsWith('text/html');
      return {
        status: 200,
        headers: {
          'content-type': type,
          'x-content-type-options': 'nosniff',
          'cache-control': isHtml ? 'no-store' : 'public, max-age=3600',
          ...(isHtml ? { 'content-security-policy': csp, 'referrer-policy': 'no-referrer' } : {}),
        },
        body,
      };
    } catch {
      return jsonResponse(404, { ok: false, error: { code: 'NOT_FOUND', message: 'Not found' } });
    }
  };
}

function decodeSafe(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/** Resolves `relative` inside `root`, or null when it would escape it. */
export function confine(root: string, relative: string): string | null {
  if (relative.includes('\0')) return null;
  const base = normalize(root + sep);
  const target = normalize(join(base, relative));
  return target.startsWith(base) ? target : null;
}
