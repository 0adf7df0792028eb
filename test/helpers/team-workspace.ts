import { join } from 'node:path';
import type { Job } from '../../src/shared/api';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createDemoCorpus } from '../../src/main/app/demo-corpus';
import { createServices, disposeServices } from '../../src/main/app/services';

/**
 * A workspace made the way users make one, through the API: the demo corpus (synthetic
 * clips of a real face, its CASME II-style sheet imported), one event analysed by the
 * real pipeline in a job process (analysis, frame motion, job claim) and one clip spotted
 * whole (its spotting run), labels by two
 * coders, a review that approves one and asks changes of the other, a withdrawn and
 * re-saved label (a longer audit trail), one event deleted. Every table holds rows.
 */
export async function makeWorkedWorkspace(dir: string): Promise<string> {
  const services = createServices({ userDataDir: join(dir, 'home') });
  const table = createHandlerTable(services);
  const call = async <T = unknown>(channel: string, payload: unknown = {}): Promise<T> => {
    const result = await dispatch(table, channel, payload, { transport: 'direct' });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.data as T;
  };
  const finished = new Map<string, (job: Job) => void>();
  services.events.subscribe((event, payload) => {
    if (event === 'job.finished') finished.get((payload as Job).jobId)?.(payload as Job);
  });
  try {
    const demo = await createDemoCorpus(services, join(dir, 'demo'));
    const as = (annotator: string) => call('settings.update', { annotator });
    const events = (await call<Array<{ id: number }>>('clips.list')).length;
    if (events < 3) throw new Error('the demo corpus has fewer than three clips');
    const ws = services.workspaces.require();
    const clipIds = (await ws.clips.list()).map((c) => c.id);
    const eventIds: number[] = [];
    for (const id of clipIds) for (const e of await ws.events.listForClip(id)) eventIds.push(e.id);
    const [first, second, last] = [eventIds[0] as number, eventIds[1] as number, eventIds[eventIds.length - 1] as number];

    const { jobId } = await call<{ jobId: string }>('analysis.run', { eventId: first });
    const job = await new Promise<Job>((resolve) => finished.set(jobId, resolve));
    if (job.state !== 'done') throw new Error(`the analysis job ended ${job.state}: ${JSON.stringify(job.error)}`);
    // One clip spotted whole: its spotting run (curve, what was set aside) is kept for the clip.
    const whole = await call<{ jobId: string }>('analysis.run', { clipId: clipIds[clipIds.length - 1] });
    const spotted = await new Promise<Job>((resolve) => finished.set(whole.jobId, resolve));
    if (spotted.state !== 'done') throw new Error(`the spotting job ended ${spotted.state}: ${JSON.stringify(spotted.error)}`);

    await call('annotators.create', { name: 'rex', role: 'reviewer' });
    await as('ana');
    const ana = await call<{ id: number; version: number }>('annotations.save', { eventId: first, annotator: 'ana', aus: 'AU1+AU2', emotion: 'surprise', label3: 'surprise', status: 'submitted' });
    await call('annotations.save', { eventId: second, annotator: 'ana', aus: 'AU4', emotion: 'disgust', label3: 'negative', description: '皱眉 — brows lowered' });
    await as('bo');
    const bo = await call<{ id: number; version: number }>('annotations.save', { eventId: first, annotator: 'bo', aus: 'AU1', emotion: 'surprise', status: 'submitted' });
    await as('rex');
    await call('review.decide', { annotationId: ana.id, decision: 'approve' });
    await call('review.decide', { annotationId: bo.id, decision: 'request_changes', comment: 'AU2 is there too' });
    await as('bo');
    await call('annotations.save', { eventId: first, annotator: 'bo', aus: 'AU1+AU2', emotion: 'surprise', status: 'submitted', baseVersion: bo.version + 1 });
    await call('events.delete', { id: last });
    return demo.workspace;
  } finally {
    await disposeServices(services);
  }
}
