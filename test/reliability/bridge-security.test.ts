import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_ROUTE_PREFIX } from '../../src/shared/frames';
import type { Bridge, BridgeOptions } from '../../src/main/transport/bridge';
import { RateLimiter } from '../../src/main/transport/rate-limit';
import { startTestBridge } from '../helpers/bridge';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-bridge-sec-');
let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

async function open(rateLimits?: BridgeOptions['rateLimits']): Promise<Bridge> {
  ({ bridge } = await startTestBridge({ userDataDir: tempDir(), rendererDir: tempDir(), rateLimits }));
  return bridge;
}

function raw(b: Bridge, options: { method: string; path: string; headers: Record<string, string> }): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: b.port, ...options }, (res) => {
      res.resume();
      done({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', fail);
    req.end(options.method === 'POST' ? '{}' : undefined);
  });
}

const post = (b: Bridge, channel: string, token = b.token) =>
  fetch(`${b.origin}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });

describe('loopback bridge hardening', () => {
  it('listens on 127.0.0.1 only: another interface of this machine is refused', async () => {
    const b = await open();
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) {
      const outcome = await new Promise<string>((done) => {
        const socket = connect(b.port, external);
        socket.on('connect', () => (socket.destroy(), done('connected')));
        socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
    expect(new URL(b.origin).hostname).toBe('127.0.0.1');
  });

  it('requires the token for API calls, pages, frames and the event socket', async () => {
    const b = await open();
    expect((await post(b, 'app.info', 'x'.repeat(b.token.length))).status).toBe(401);
    expect((await fetch(`${b.origin}/`)).status).toBe(401);
    expect((await fetch(`${b.origin}${FRAME_ROUTE_PREFIX}clip/0.png`)).status).toBe(401);
    const refused = await new Promise<string>((done) => {
      const ws = new WebSocket(`ws://127.0.0.1:${b.port}/events`);
      ws.on('open', () => done('open'));
      ws.on('error', (error) => done(error.message));
    });
    expect(refused).toMatch(/401/);
  });

  it('CORS is closed: foreign origins and rebinding hosts are refused and no CORS header is ever sent', async () => {
    const b = await open();
    const auth = { authorization: `Bearer ${b.token}` };
    const preflight = await raw(b, { method: 'OPTIONS', path: '/api/app.info', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    const foreign = await raw(b, { method: 'POST', path: '/api/app.info', headers: { ...auth, origin: 'https://evil.example' } });
    const rebinding = await raw(b, { method: 'POST', path: '/api/app.info', headers: { ...auth, host: `evil.example:${b.port}` } });
    const same = await raw(b, { method: 'POST', path: '/api/app.info', headers: { ...auth, origin: b.origin } });
    expect([preflight.status, foreign.status, rebinding.status, same.status]).toEqual([403, 403, 403, 200]);
    for (const answer of [preflight, foreign, rebinding, same]) {
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('rate-limits API calls per peer with 429 + Retry-After, counting bad-token guesses too, then recovers', async () => {
    const b = await open({ api: { ratePerSecond: 5, burst: 10 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let body: unknown;
    for (let i = 0; i < 25; i++) {
      const response = await post(b, 'app.info', i % 2 ? b.token : 'guess'.padEnd(b.token.length, 'x'));
      statuses.push(response.status);
      if (response.status === 429 && retryAfter === null) {
        retryAfter = response.headers.get('retry-after');
        body = await response.json();
      } else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 10).every((s) => s === 200 || s === 401)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/Too many requests; retry in \d+ s/) } });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post(b, 'app.info')).status).toBe(200);
  });

  it('default budgets do not slow normal use: a 1,500-frame scrub burst and 300 quick API calls pass', async () => {
    const b = await open();
    const headers = { authorization: `Bearer ${b.token}` };
    const statuses: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => fetch(`${b.origin}${FRAME_ROUTE_PREFIX}clip/${batch * 50 + i}.png`, { headers }).then(async (r) => (await r.arrayBuffer(), r.status))),
      );
      statuses.push(...answers);
    }
    for (let i = 0; i < 300; i++) {
      const response = await post(b, 'settings.get');
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
  });

  it('token bucket: refills continuously up to the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('b').allowed).toBe(true); // peers have their own buckets
    expect(limiter.take('a').retryAfterSeconds).toBe(1);
    now += 100; // one token back
    expect([limiter.take('a').allowed, limiter.take('a').allowed]).toEqual([true, false]);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });
});
