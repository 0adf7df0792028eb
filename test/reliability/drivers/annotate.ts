/**
 * Crash-durability driver: opens a workspace through the real handler table and saves a
 * scripted stream of annotation edits, printing `ACK <tag> <annotationId> <version>
 * <monotonic ns>` after each acknowledged save. The test SIGKILLs it at random moments.
 * It loads, prints READY and waits for a line on stdin before touching the workspace, so
 * the test can start the next driver while it checks the previous kill.
 * argv: <workspace> <userData> <tag> <edits> [description padding in characters]
 */
import { createHandlerTable, dispatch } from '../../../src/main/api';
import { createServices } from '../../../src/main/app/services';
import type { Annotation, MeEvent } from '../../../src/shared/workspace';

const [workspace, userDataDir, tag, edits, padding] = process.argv.slice(2);
// Long descriptions fill a small disk quickly (the disk-full test).
const pad = ' '.repeat(Number(padding ?? 0));
if (!workspace || !userDataDir || !tag) throw new Error('usage: annotate.ts <workspace> <userData> <tag> <edits>');

const services = createServices({ userDataDir });
const table = createHandlerTable(services);
async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await dispatch(table, channel, payload, { transport: 'direct' });
  if (!result.ok) {
    process.stdout.write(`ERR ${result.error.code} ${result.error.message}\n`);
    process.exit(3);
  }
  return result.data as T;
}

process.stdout.write('READY\n');
if (process.env.MELLM_DRIVER_WAIT !== '0') await new Promise((go) => process.stdin.once('data', go));
// Saves are made under the annotator name set in Settings.
await call('settings.update', { annotator: 'durability' });
await call('workspace.open', { path: workspace });
process.stdout.write(`OPEN ${process.hrtime.bigint()}\n`);
const clips = await call<{ id: number }[]>('clips.list', {});
const events: MeEvent[] = [];
for (const clip of clips) events.push(...(await call<MeEvent[]>('events.list', { clipId: clip.id })));
const versions = new Map<number, number | null>();
for (const event of events) {
  const [current] = await call<Annotation[]>('annotations.get', { eventId: event.id, annotator: 'durability' });
  versions.set(event.id, current?.version ?? null);
}

for (let i = 0; i < Number(edits ?? 1000); i++) {
  const event = events[i % events.length]!;
  const saved = await call<Annotation>('annotations.save', {
    eventId: event.id,
    annotator: 'durability',
    aus: i % 2 ? 'AU4+AU7' : 'AU12',
    description: `${tag}-e${i}${pad}`,
    baseVersion: versions.get(event.id) ?? null,
  });
  versions.set(event.id, saved.version);
  process.stdout.write(`ACK ${tag}-e${i} ${saved.id} ${saved.version} ${process.hrtime.bigint()}\n`);
}
process.stdout.write('DONE\n');
