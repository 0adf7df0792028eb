import { describe, expect, it } from 'vitest';
import { DoctorReportSchema } from '../../src/shared/api';
import { runCli } from '../../src/main/cli/main';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mellm CLI', () => {
  it('prints help listing the commands', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: mellm <command>/);
    expect(out).toMatch(/doctor/);
  });

  it('prints the package version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects unknown commands and options with a usage error', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    const bad = await run('doctor', '--jsn');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--jsn/);
  });

  it('doctor --json prints a valid report', async () => {
    const { code, out } = await run('doctor', '--json');
    expect(code).toBe(0);
    const report = DoctorReportSchema.parse(JSON.parse(out));
    expect(report.ffmpeg.ok).toBe(true);
    expect(report.onnxruntime.providers.find((p) => p.name === 'cpu')?.available).toBe(true);
    expect(report.sqlite.version).toMatch(/^3\./);
    expect(report.models.map((m) => m.id)).toContain('blazeface-front-128');
  });
});
