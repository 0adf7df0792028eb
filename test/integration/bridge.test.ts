import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Bridge } from '../../src/main/transport/bridge';
import { startTestBridge } from '../helpers/bridge';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
let bridge: Bridge;
afterEach(async () => bridge?.close());

async function open(): Promise<Bridge> {
  ({ bridge } = await startTestBridge({ userDataDir: tempDir(), rendererDir: tempDir() }));
  return bridge;
}

async function call(b: Bridge, channel: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${b.origin}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { ok: boolean; data?: unknown; error?: { code: string; message: string; issues?: { path: string }[] } } };
}

/** Raw request, so the Host header can be forged (fetch would not allow it). */
function rawPost(b: Bridge, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: b.port, path, method: 'POST', headers: { host, authorization: `Bearer ${b.token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('loopback bridge', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', async () => {
    const b = await open();
    expect(b.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${b.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses requests without the token (401) and with a wrong one', async () => {
    const b = await open();
    const bare = await fetch(`${b.origin}/api/app.info`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
    expect((await call(b, 'app.info', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${b.origin}/`)).status).toBe(401);
  });

  it('round-trips a call and reports the transport', async () => {
    const b = await open();
    const { status, json } = await call(b, 'app.info', {});
    expect(status).toBe(200);
    expect(json.data).toMatchObject({ name: 'MELLM Workstation', transport: 'bridge', electron: null });
  });

  it('answers an invalid payload with a validation error naming the field', async () => {
    const b = await open();
    const { status, json } = await call(b, 'settings.update', { frameCacheMB: 'lots' });
    expect(status).toBe(400);
    expect(json.error?.code).toBe('INVALID_INPUT');
    expect(json.error?.issues?.[0]?.path).toBe('frameCacheMB');
    expect((await call(b, 'settings.update', '{broken')).json.error?.message).toMatch(/not valid JSON/);
    expect((await call(b, 'no.such.channel', {})).status).toBe(404);
  });

  it('rejects forged Host headers and cross-origin requests', async () => {
    const b = await open();
    expect(await rawPost(b, '/api/app.info', 'evil.example:80')).toBe(403);
    expect(await rawPost(b, '/api/app.info', `127.0.0.1:${b.port}`)).toBe(200);
    expect((await call(b, 'app.info', {}, { origin: 'https://evil.example' })).status).toBe(403);
    const response = await fetch(`${b.origin}/api/app.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token}`, origin: b.origin },
      body: '{}',
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('hands the page a cookie so that later requests need no header', async () => {
    const b = await open();
    const page = await fetch(b.url);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const response = await fetch(`${b.origin}/api/app.info`, { method: 'POST', headers: { cookie: cookie.split(';')[0] ?? '' }, body: '{}' });
    expect(response.status).toBe(200);
  });

  it('streams events over the authenticated WebSocket', async () => {
    const b = await open();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${b.port}/events`);
        ws.on('error', resolve);
        ws.on('open', () => reject(new Error('opened without a token')));
      }),
    ).resolves.toBeTruthy();
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/events`, { headers: { authorization: `Bearer ${b.token}` } });
    await new Promise((resolve) => ws.on('open', resolve));
    const received = new Promise<{ event: string; payload: { language: string } }>((resolve) =>
      ws.on('message', (data) => resolve(JSON.parse(String(data)))),
    );
    await call(b, 'settings.update', { language: 'zh-CN' });
    expect(await received).toMatchObject({ event: 'settings.changed', payload: { language: 'zh-CN' } });
    ws.close();
  });

  it('refuses oversized bodies', async () => {
    const b = await open();
    const huge = JSON.stringify({ annotator: 'x'.repeat(9 * 1024 * 1024) });
    const status = await call(b, 'settings.update', huge).then(
      (r) => r.status,
      () => 400, // the server may cut the connection while the body is still being sent
    );
    expect(status).toBeGreaterThanOrEqual(400);
  });
});
