import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, tensor } from '../../src/main/inference/onnx/graph';
import { rendererDir } from '../../src/main/paths';
import { launchChromium } from '../helpers/browser';
import { makeIndexedVideo } from '../helpers/media';
import { useTempDir } from '../helpers/tmp';
import { buildDriver, runDriver } from './support/driver';

const tempDir = useTempDir('mellm-net-');
const TRAP = resolve(import.meta.dirname, 'support', 'net-trap.mjs');

interface Attempt {
  api: string;
  target: string;
}
const attempts = (log: string): Attempt[] =>
  existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Attempt) : [];

function tinyModel(): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', [1, 3]);
  g.op('MatMul', [x, g.constant('W', tensor.float32([3, 1], [1, 1, 1]))], {}, ['y']);
  g.output('y', 'float32', [1, 1]);
  return g.toBytes();
}

describe('zero network by default', () => {
  it('the trap catches every kind of outbound attempt (so an empty log means something)', () => {
    const log = join(tempDir(), 'net.log');
    const script = `
      import net from 'node:net'; import tls from 'node:tls'; import dns from 'node:dns'; import { request } from 'node:https'; import http from 'node:http';
      const swallow = (s) => s.on('error', () => {});
      swallow(net.connect(443, '93.184.215.14'));
      swallow(new net.Socket().connect(80, '10.0.0.1'));
      swallow(tls.connect(443, 'example.com'));
      dns.lookup('example.com', () => {});
      await dns.promises.lookup('example.org').catch(() => {});
      swallow(request('https://example.com/'));
      swallow(http.get('http://example.com/'));
      await fetch('https://huggingface.co/').catch(() => {});
      await new Promise((r) => setTimeout(r, 100));`;
    const run = spawnSync(process.execPath, ['--import', TRAP, '--input-type=module', '-e', script], {
      env: { ...process.env, MELLM_NET_TRAP_LOG: log },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const apis = new Set(attempts(log).map((a) => a.api));
    for (const api of ['net.connect', 'net.Socket.connect', 'tls.connect', 'dns.lookup', 'dns.promises.lookup', 'https.request', 'http.get', 'fetch']) {
      expect(apis, api).toContain(api);
    }
  });

  it('app flows (doctor, settings, workspace, import, edits, media, export, a job process, CLI, bridge + renderer) attempt no connection', async () => {
    const dir = tempDir();
    const log = join(dir, 'net.log');
    const video = makeIndexedVideo(dir, 'clip.mp4', { frames: 12, codec: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] });
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyModel());
    const renderer = rendererDir();
    expect(existsSync(join(renderer, 'index.html')), 'build the renderer first: npm run build').toBe(true);

    const driver = buildDriver('flows');
    const clipJob = buildDriver('clip-job');
    // NODE_OPTIONS, so the job processes the driver starts are trapped too.
    const child = runDriver(driver, [dir, renderer, video, clipJob, model], { env: { ...process.env, MELLM_NET_TRAP_LOG: log, NODE_OPTIONS: `--import=${TRAP}` }, execArgv: [] });
    const steps = (await child.waitFor(/^STEPS /, 90_000)).slice('STEPS '.length).split(',');
    expect(steps).toEqual(expect.arrayContaining(['app.doctor', 'import.commit', 'annotations.save', 'media.read', 'export', 'job process', 'cli import']));
    const url = new URL((await child.waitFor(/^BRIDGE /)).slice('BRIDGE '.length));

    // The renderer, against that bridge: every request it makes must stay on the bridge's origin.
    const browser = await launchChromium();
    const requests: string[] = [];
    try {
      const page = await browser.newPage();
      await page.route('**', async (route) => {
        const request = route.request().url();
        requests.push(request);
        if (new URL(request).origin === url.origin) await route.continue();
        else await route.abort('blockedbyclient');
      });
      page.on('websocket', (ws) => requests.push(ws.url()));
      await page.goto(url.href, { waitUntil: 'networkidle' });
      await page.waitForTimeout(500);
    } finally {
      await browser.close();
    }
    child.child.stdin!.write('go\n');
    await child.waitFor(/^DONE$/);
    const beforeDownload = attempts(log);
    // Only a user-initiated model download may connect: it is the first thing that tries.
    child.child.stdin!.write('download\n');
    expect(await child.waitFor(/^DOWNLOAD /)).not.toBe('DOWNLOAD ok');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const download = attempts(log);
    expect(download.length).toBeGreaterThan(0);
    expect(download.every((a) => /huggingface\.co/.test(a.target))).toBe(true);

    expect(requests.length).toBeGreaterThan(1);
    const foreign = requests.filter((r) => {
      const u = new URL(r);
      return !(u.host === url.host && (u.protocol === 'http:' || u.protocol === 'ws:'));
    });
    expect(foreign).toEqual([]);
    expect(beforeDownload).toEqual([]);
  }, 180_000);
});
