/**
 * Zero-network driver: runs the analysis-free flows of the app (doctor, settings,
 * workspace ops, sheet import, annotation edits, media decode, an export, a worker job,
 * CLI commands) through the real handler table and CLI, then serves the bridge for the
 * renderer until a line arrives on stdin. The test starts it under the net-trap preload.
 * A second line then starts the one thing allowed to connect: a user-initiated model
 * download (refused by the trap, so nothing leaves the machine).
 * argv: <work dir> <renderer dir> <video> <clip-job worker> <model>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createHandlerTable, dispatch } from '../../../src/main/api';
import { runCli } from '../../../src/main/cli/main';
import { exportCorpus } from '../../../src/main/corpus/export';
import { ProcessPool } from '../../../src/main/jobs/pool';
import { jobScript } from '../../../src/main/jobs/script';
import { MediaLibrary } from '../../../src/main/media/library';
import { createServices } from '../../../src/main/app/services';
import { startBridge } from '../../../src/main/transport/bridge';
import { createRouter } from '../../../src/main/transport/routes';
import { makeRecord } from '../../helpers/corpus-records';

const [dir, rendererDir, video, clipJob, model] = process.argv.slice(2) as [string, string, string, string, string];
const services = createServices({ userDataDir: join(dir, 'user') });
const table = createHandlerTable(services);
const steps: string[] = [];
async function call(channel: string, payload: unknown = {}): Promise<unknown> {
  const result = await dispatch(table, channel, payload, { transport: 'direct' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  steps.push(channel);
  return result.data;
}

// A tiny CASME II-style corpus: one frame folder and a coding sheet.
const root = join(dir, 'CASME2_RAW');
mkdirSync(join(root, 'sub01', 'EP01'), { recursive: true });
const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#806050' } }).jpeg().toBuffer();
for (let n = 1; n <= 20; n++) writeFileSync(join(root, 'sub01', 'EP01', `img${n}.jpg`), jpeg);
const sheet = join(dir, 'coding.csv');
writeFileSync(sheet, 'Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,,Action Units,Estimated Emotion\n01,EP01,2,6,12,,AU12,happiness\n');

await call('app.info');
await call('app.doctor');
await call('settings.get');
await call('settings.update', { theme: 'dark', annotator: 'ana' });
await call('workspace.create', { path: join(dir, 'corpus.mellm') });
await call('import.preview', { sheet, root, dataset: 'casme2' });
await call('import.commit', { sheet, root, dataset: 'casme2' });
await call('clips.list');
await call('events.list', { clipId: 1 });
await call('annotations.save', { eventId: 1, annotator: 'ana', aus: 'AU12', description: 'lip corner up' });
await call('annotations.get', { eventId: 1 });
await call('workspace.info');
await call('workspace.recent');
await call('llm.list');
await call('jobs.list');
await call('workspace.close');

const library = new MediaLibrary();
const { clipId } = await library.open(video);
await (await library.reader(clipId)).read(3);
library.close();
steps.push('media.read');
await exportCorpus({ folder: join(dir, 'export'), formats: ['casme2-csv', 'jsonl', 'eaf', 'report'], records: [makeRecord()] });
steps.push('export');
const pool = new ProcessPool({ script: jobScript(clipJob), size: 1 });
await pool.run({ clip: video, frames: 4, model });
await pool.close();
steps.push('job process');

const quiet = { out: () => undefined, err: (text: string) => process.stderr.write(`${text}\n`) };
for (const argv of [
  ['doctor', '--json'],
  ['workspace', 'info', join(dir, 'corpus.mellm')],
  ['workspace', 'create', join(dir, 'cli.mellm')],
  ['import', sheet, '--root', root, '--dataset', 'casme2', '--workspace', join(dir, 'cli.mellm')],
]) {
  const code = await runCli(argv, quiet);
  if (code !== 0) throw new Error(`mellm ${argv.join(' ')} exited with ${code}`);
  steps.push(`cli ${argv[0]}`);
}

const bridge = await startBridge({
  handlers: table,
  events: services.events,
  router: (connect) => createRouter({ rendererDir, frames: () => services.frames, connect }),
});
process.stdout.write(`STEPS ${steps.join(',')}\nBRIDGE ${bridge.url}\n`);
await new Promise((go) => process.stdin.once('data', go));
await bridge.close();
process.stdout.write('DONE\n');
await new Promise((go) => process.stdin.once('data', go));
const download = await dispatch(
  table,
  'llm.download',
  { url: 'https://huggingface.co/Qwen/Qwen3-0.6B/resolve/main/', folder: join(dir, 'llm'), files: ['config.json'] },
  { transport: 'direct' },
);
process.stdout.write(`DOWNLOAD ${download.ok ? 'ok' : download.error.code}\n`);
process.exit(0);
