import type { DoctorReport } from '@shared/api';
import { doctor } from '../doctor';
import type { CliCommand } from './command';
import { defineOptions, parseOptions } from './options';

const OPTIONS = defineOptions({ json: { kind: 'flag', help: 'print the report as JSON' } });

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check ffmpeg, the ONNX runtime, SQLite and which models are present',
  usage: 'mellm doctor [--json]',
  options: OPTIONS,
  async run(args, io, services) {
    const { values } = parseOptions(OPTIONS, args);
    const report = doctor(services().paths.models);
    io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ffmpeg.ok ? 0 : 1;
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
    'models:',
    ...report.models.map((m) => `  ${mark(m.present)} ${m.id.padEnd(22)} ${m.stage.padEnd(6)} ${m.present ? m.path : (m.note ?? '')}`),
  ];
  return lines.join('\n');
}
