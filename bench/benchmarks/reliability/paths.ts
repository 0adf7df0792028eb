import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpeg } from '../../../test/helpers/media';
import { buildDriver, runCommand, runDriver } from '../../../test/reliability/support/driver';
import { seedWorkspace } from '../../../test/reliability/support/workspace';
import type { BenchRow } from '../../harness';

/**
 * Hostile paths, media and bridge requests (issue 17 #10, #11, #15): each case runs in
 * its own process, so its wall time and peak memory are its own. Peak memory is the
 * child's maximum resident set: from `/usr/bin/time -f %M` for CLI runs, from the bridge
 * process's own `process.resourceUsage().maxRSS` for the bridge.
 */

interface Measured {
  readonly ms: number;
  readonly peakMB: number;
  readonly code: number;
  readonly err: string;
}

/** `mellm …` in a child (test/reliability/drivers/cli.ts) under `/usr/bin/time -f %M` (peak RSS in KiB). */
async function measuredCli(driver: string, argv: readonly string[]): Promise<Measured> {
  const started = performance.now();
  const run = runCommand('/usr/bin/time', ['-f', 'PEAK %M', process.execPath, driver, ...argv]);
  const exited = await run.exited;
  const ms = performance.now() - started;
  if (exited.code !== 0) throw new Error(`mellm ${argv.join(' ')}: exit ${exited.code} ${run.stderr()}`);
  const result = JSON.parse((run.lines.find((l) => l.startsWith('RESULT ')) ?? 'RESULT {}').slice(7)) as { code: number; err: string };
  const peak = Number(/PEAK (\d+)/.exec(run.stderr())?.[1]);
  return { ms, peakMB: Math.round(peak / 1024), code: result.code, err: result.err };
}

/** `expect`: the reason the refusal must give, or null for a run that must succeed. */
function row(name: string, method: string, m: Measured, expect: RegExp | null): BenchRow {
  const expected = expect ? m.code !== 0 && expect.test(m.err) : m.code === 0;
  return { case: name, method, samples: [m.ms], metrics: { peakMB: m.peakMB, exitCode: m.code, asExpected: expected ? 'yes' : `no: ${m.err.slice(0, 120)}` } };
}

async function cliRows(dir: string, log: (m: string) => void): Promise<BenchRow[]> {
  const driver = buildDriver('cli');
  const workspace = join(dir, 'w.mellm');
  await seedWorkspace(workspace, 1000);
  const rows: BenchRow[] = [];
  const proc = await measuredCli(driver, ['export', '--workspace', workspace, '--format', 'jsonl', '--out', '/proc/forbidden/x.jsonl']);
  log(`export into /proc: ${proc.ms.toFixed(0)} ms, ${proc.peakMB} MB`);
  rows.push(row('export --out /proc/forbidden/x.jsonl', 'mellm export (child)', proc, /pseudo file system/));

  const full = join(dir, 'a.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=4,noise=alls=40:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', full]);
  const truncated = join(dir, 'b.mp4');
  writeFileSync(truncated, readFileSync(full).subarray(0, 20_000));
  const claims = join(dir, 'c.mp4');
  const bytes = readFileSync(full);
  bytes.writeUInt32BE(10_000_000, bytes.indexOf('stts') + 12);
  writeFileSync(claims, bytes);
  const song = join(dir, 'd.mp3');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=d=3', '-f', 'lavfi', '-i', 'testsrc=s=300x300:d=1', '-map', '0:a', '-map', '1:v', '-frames:v', '1', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-c:a', 'libmp3lame', song]);
  for (const [name, path, reason] of [
    ['probe: first 20 KB of an mp4', truncated, /truncated/],
    ['probe: index claiming 10^7 frames', claims, /claims 10,000,000 frames/],
    ['probe: mp3 with cover art', song, /cover/],
    ['probe: intact mp4 (first + last frame decoded)', full, null],
  ] as const) {
    const m = await measuredCli(driver, ['probe', path]);
    log(`${name}: ${m.ms.toFixed(0)} ms, ${m.peakMB} MB, exit ${m.code}`);
    rows.push(row(name, 'mellm probe (child)', m, reason));
  }
  return rows;
}

async function bridgeRows(dir: string, log: (m: string) => void): Promise<BenchRow[]> {
  const video = join(dir, 'large.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=1024x768:r=25:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video]);
  const server = runDriver(buildDriver('serve-bridge'), [join(dir, 'user')]);
  try {
    const { origin, token } = JSON.parse((await server.waitFor(/^READY /)).slice(6)) as { origin: string; token: string };
    const headers = { authorization: `Bearer ${token}` };
    let started = performance.now();
    const huge = await fetch(`${origin}/api/settings.get`, { method: 'POST', headers, body: new Uint8Array(100 * 2 ** 20) });
    const hugeMs = performance.now() - started;
    const opened = (await (await fetch(`${origin}/api/media.open`, { method: 'POST', headers, body: JSON.stringify({ path: video }) })).json()) as { data: { clipId: string } };
    const frame = (index: number, query = '') => fetch(`${origin}/frames/${opened.data.clipId}/${index}.png${query}`, { headers }).then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }));
    started = performance.now();
    const burst = Array.from({ length: 40 }, (_, i) => frame(i, '?w=8192'));
    const plainStart = performance.now();
    const plain = await frame(45);
    const plainMs = performance.now() - plainStart;
    const answers = await Promise.all(burst);
    const burstMs = performance.now() - started;
    server.child.stdin?.end();
    const peakKiB = Number((await server.waitFor(/^RSS /)).slice(4));
    const statuses = (code: number) => answers.filter((a) => a.status === code).length;
    log(`100 MB POST: ${huge.status} in ${hugeMs.toFixed(0)} ms; 40 upscales: ${statuses(200)}×200, ${statuses(503)}×503 in ${burstMs.toFixed(0)} ms, a plain frame meanwhile ${plainMs.toFixed(0)} ms; bridge peak ${Math.round(peakKiB / 1024)} MB`);
    return [
      { case: '100 MB POST', method: 'bridge (child)', samples: [hugeMs], metrics: { status: huge.status } },
      {
        case: '40 concurrent ?w=8192 upscales (1024×768 source)',
        method: 'bridge (child)',
        samples: [burstMs],
        metrics: { ok200: statuses(200), busy503: statuses(503), plainFrameMs: Math.round(plainMs), plainStatus: plain.status, bridgePeakMB: Math.round(peakKiB / 1024) },
      },
    ];
  } finally {
    server.child.kill('SIGKILL');
  }
}

export async function pathsReliabilityRows(log: (m: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-bench-paths-'));
  try {
    return [...(await cliRows(dir, log)), ...(await bridgeRows(dir, log))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
