import type { DoctorReport } from '@shared/api';
import { AppError } from '@shared/errors';
import { doctor } from '../doctor';
import { isServerLocation, redactLocation } from '../store/location';
import { postgresServerVersion } from '../store/postgres/version';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({
  json: { kind: 'flag', help: 'print the report as JSON' },
  workspace: { kind: 'text', value: 'url', help: 'also reach this PostgreSQL workspace server and show its version' },
});

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check ffmpeg, the ONNX runtime, SQLite (and a PostgreSQL server) and which models are present',
  usage: 'mellm doctor [--workspace postgres://…] [--json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values } = parseOptions(OPTIONS, args);
    const report = doctor(services().paths.models);
    if (values.workspace !== undefined) {
      if (!isServerLocation(values.workspace)) throw new AppError('INVALID_INPUT', '--workspace takes a postgres:// or postgresql:// URL here (a workspace file needs no server)');
      const location = redactLocation(values.workspace);
      report.postgres = await postgresServerVersion(values.workspace).then(
        (version) => ({ location, version, error: null }),
        (error: unknown) => ({ location, version: null, error: AppError.from(error).message }),
      );
    }
    io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ffmpeg.ok && !report.postgres?.error ? 0 : 1;
  },
};

function formatReport(report: DoctorReport): string {
  const mark = (ok: boolean) => (ok ? 'ok     ' : 'MISSING');
  const lines = [
    `ffmpeg       ${report.ffmpeg.ok ? `${report.ffmpeg.version} (${report.ffmpeg.source}: ${report.ffmpeg.path})` : report.ffmpeg.error}`,
    `onnxruntime  ${report.onnxruntime.version}; providers: ${report.onnxruntime.providers
      .map((p) => `${p.name}${p.available ? '' : ' (not installed)'}`)
      .join(', ')}`,
    `sqlite       ${report.sqlite.version} (${report.sqlite.driver})`,
    ...(report.postgres ? [`postgres     ${report.postgres.version ?? `UNREACHABLE ${report.postgres.error}`} (${report.postgres.location})`] : []),
    'models:',
    ...report.models.map((m) => `  ${mark(m.present)} ${m.id.padEnd(22)} ${m.stage.padEnd(6)} ${m.present ? m.path : (m.note ?? '')}`),
  ];
  return lines.join('\n');
}
