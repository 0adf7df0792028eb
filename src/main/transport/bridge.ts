import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, type ErrorCode } from '@shared/errors';
import { dispatch, type HandlerTable } from '../api/dispatch';
import type { EventHub } from '../app/events';
import { jsonResponse, type HttpResponse } from './http';
import { API_BUDGET, GET_BUDGET, RateLimiter, type RateBudget } from './rate-limit';
import type { Router } from './routes';

/**
 * The loopback bridge: the same handler table as Electron IPC, over HTTP + WebSocket
 * on 127.0.0.1, for the renderer in a plain browser, for e2e tests and for scripts.
 * Every request must carry the session token (header, cookie set by the first page
 * load, or ?token= on that page load). No CORS headers are ever sent, and the Host
 * header must name the loopback address, which defeats DNS rebinding.
 */
export interface BridgeOptions {
  readonly handlers: HandlerTable;
  readonly events: EventHub;
  readonly router: (connect: readonly string[]) => Router;
  readonly port?: number;
  readonly token?: string;
  readonly maxBodyBytes?: number;
  /** Per-peer budgets (defaults API_BUDGET, GET_BUDGET); tests pass small ones. */
  readonly rateLimits?: { readonly api?: RateBudget; readonly get?: RateBudget };
}

export interface Bridge {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const COOKIE = 'mellm_token';
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNKNOWN_CHANNEL: 404,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  BUSY: 503,
  EDIT_CONFLICT: 409,
  MEDIA_MISMATCH: 409,
  INVALID_OUTPUT: 500,
  INTERNAL: 500,
};

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const apiLimiter = new RateLimiter(options.rateLimits?.api ?? API_BUDGET);
  const getLimiter = new RateLimiter(options.rateLimits?.get ?? GET_BUDGET);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  const allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const router = options.router([`ws://${HOST}:${port}`, `ws://localhost:${port}`]);

  const authorised = (req: IncomingMessage, url: URL): 'header' | 'cookie' | 'query' | null => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer && same(bearer, token)) return 'header';
    if (same(readCookie(req.headers.cookie, COOKIE), token)) return 'cookie';
    if (req.method === 'GET' && same(url.searchParams.get('token'), token)) return 'query';
    return null;
  };
  const guard = (req: IncomingMessage): AppError | null => {
    if (!allowedHosts.has(req.headers.host ?? '')) return new AppError('FORBIDDEN', 'Host not allowed');
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin && requestOrigin !== `http://localhost:${port}`) {
      return new AppError('FORBIDDEN', 'Cross-origin requests are not allowed');
    }
    return null;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((error: unknown) => send(res, errorResponse(error instanceof URIError ? malformedUrl() : AppError.from(error))));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    // Counted before the token check, so guessing tokens is throttled as well.
    const limiter = url.pathname.startsWith('/api/') ? apiLimiter : getLimiter;
    const decision = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (!decision.allowed) {
      const limited = errorResponse(new AppError('RATE_LIMITED', `Too many requests; retry in ${decision.retryAfterSeconds} s`));
      return send(res, { ...limited, headers: { ...limited.headers, 'retry-after': String(decision.retryAfterSeconds) } });
    }
    const refused = guard(req);
    if (refused) return send(res, errorResponse(refused));
    const auth = authorised(req, url);
    if (!auth) return send(res, errorResponse(new AppError('UNAUTHORIZED', 'Missing or invalid bridge token')));
    if (!decodable(url.pathname)) return send(res, errorResponse(malformedUrl()));

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, jsonResponse(405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST' } }));
      const body = await readBody(req, maxBody);
      if (body === null) return refuseBody(req, res, maxBody);
      let payload: unknown;
      try {
        payload = body.length ? JSON.parse(body) : {};
      } catch {
        return send(res, errorResponse(new AppError('INVALID_INPUT', 'Request body is not valid JSON')));
      }
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      const name = decodeURIComponent(url.pathname.slice('/api/'.length));
      const result = await dispatch(options.handlers, name, payload, { transport: 'bridge', signal: controller.signal });
      return send(res, jsonResponse(result.ok ? 200 : (STATUS_BY_CODE[result.error.code] ?? 422), result));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, jsonResponse(405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Method not allowed' } }));
    }
    const response = await router(url.pathname, url.searchParams, { ifNoneMatch: req.headers['if-none-match'] });
    const extra: Record<string, string> =
      auth === 'query' ? { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    return send(res, { ...response, headers: { ...response.headers, ...extra } });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (!apiLimiter.take(req.socket.remoteAddress ?? 'unknown').allowed) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.pathname !== '/events' || guard(req) || !authorised(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const unsubscribe = options.events.subscribe((event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      ws.on('close', unsubscribe);
      // The event socket is one-way; anything the page sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function errorResponse(error: AppError): HttpResponse {
  return jsonResponse(STATUS_BY_CODE[error.code] ?? 500, { ok: false, error: error.toJSON() });
}

function send(res: ServerResponse, response: HttpResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, { 'x-content-type-options': 'nosniff', ...response.headers });
  res.end(response.body);
}

function same(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedUrl(): AppError {
  return new AppError('INVALID_INPUT', 'The URL has a malformed percent-encoding (such as %E0%A4%A)');
}

/** The body as text, or null when it is (or announces to be) larger than `limit`; the rest is then left unread. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** How much of an oversized body is read (and dropped) so that its sender receives the 413, and for how long. */
const DRAIN_BYTES = 1024 * 2 ** 20;
const DRAIN_MS = 30_000;

/**
 * Answers 413 to an oversized body. The rest of the body is read and dropped (never
 * kept), so a client still sending gets the answer rather than a connection reset;
 * past DRAIN_BYTES or DRAIN_MS the connection is cut.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const error = new AppError('INVALID_INPUT', `Request body larger than ${limit} bytes`);
  send(res, jsonResponse(413, { ok: false, error: error.toJSON() }));
  let drained = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DRAIN_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
