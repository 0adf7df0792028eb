/**
 * One workstation of a team on a PostgreSQL workspace: a coder saving labels every
 * `period` ms, or a reviewer deciding on submitted ones, for `seconds`; or a client that
 * opens a transaction and waits there to be killed. Each process is its own login role
 * with its own connections. Every outcome is one JSON line on stdout, the process's own
 * log of what the server acknowledged and refused, which the team test compares with
 * the database.
 *
 * argv: <workspace URL> coder <seconds> <period ms> <seed> <event ids, comma-separated>
 *       <workspace URL> reviewer <seconds> <period ms> <seed>
 *       <workspace URL> killed <event id>
 */
import { openWorkspace, type WorkspaceStore } from '../../../src/main/store';
import { AppError } from '../../../src/shared/errors';
import type { Annotation } from '../../../src/shared/workspace';

const [url, mode, ...rest] = process.argv.slice(2);
if (!url || !mode) throw new Error('usage: team-member.ts <url> coder|reviewer|killed …');

const log = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(entry)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator, so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const AUS = ['AU1', 'AU2', 'AU4', 'AU1+AU2', 'AU6+AU12', 'AU14', 'AU9', 'AU10+AU17'];

function failure(error: unknown): Record<string, unknown> {
  if (!(error instanceof AppError)) return { result: 'error', message: String(error) };
  const detail = (error.detail ?? {}) as { changedBy?: string; changedAt?: string };
  return { result: error.code === 'EDIT_CONFLICT' ? 'conflict' : 'refused', code: error.code, changedBy: detail.changedBy, changedAt: detail.changedAt, message: error.message.slice(0, 200) };
}

/**
 * A coder with two windows on their labels: most saves start from the version this
 * process last saw, some from an older one (the other window's stale copy), which the
 * server must refuse with who changed it and when. After a refusal the window reloads.
 */
async function coder(ws: WorkspaceStore, seconds: number, period: number, rand: () => number, events: number[]): Promise<void> {
  const me = ws.actingRole as string;
  const seen = new Map<number, Annotation | null>();
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const next = Date.now() + period;
    const eventId = events[Math.floor(rand() * events.length)] as number;
    if (!seen.has(eventId)) seen.set(eventId, await ws.annotations.get(eventId, me));
    const current = seen.get(eventId) ?? null;
    const stale = current !== null && rand() < 0.2;
    const baseVersion = current === null ? null : stale ? current.version - 1 || null : current.version;
    // A submitted label may only be withdrawn; an approved one only amended.
    const withdraw = current?.status === 'submitted';
    const input = withdraw
      ? { eventId, annotator: 'typed in settings', aus: current.aus, emotion: current.emotion, label3: current.label3, description: current.description, status: 'draft' as const, provenance: current.provenance, baseVersion }
      : {
          eventId,
          annotator: 'typed in settings',
          aus: AUS[Math.floor(rand() * AUS.length)] as string,
          description: `${me} #${++n}`,
          status: rand() < 0.3 ? ('submitted' as const) : ('draft' as const),
          baseVersion,
          amend: current?.locked === true,
        };
    const started = performance.now();
    try {
      const saved = await ws.annotations.save(input);
      seen.set(eventId, saved);
      log({ op: 'save', eventId, baseVersion, stale, result: 'ok', id: saved.id, version: saved.version, annotator: saved.annotator, aus: saved.aus, description: saved.description, status: saved.status, ms: performance.now() - started });
    } catch (error) {
      log({ op: 'save', eventId, baseVersion, stale, ...failure(error), ms: performance.now() - started });
      seen.set(eventId, await ws.annotations.get(eventId, me));
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}

/** A reviewer working through the queue: decides on a submitted label, approving, rejecting or asking changes. */
async function reviewer(ws: WorkspaceStore, seconds: number, period: number, rand: () => number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const next = Date.now() + period;
    const queue = await ws.reviews.queue(50, 0);
    const open = queue.filter((row) => row.submitted > 0);
    const row = open[Math.floor(rand() * open.length)];
    if (row) {
      const submitted = (await ws.annotations.listForEvent(row.eventId)).filter((a) => a.status === 'submitted');
      const label = submitted[Math.floor(rand() * submitted.length)];
      if (label) {
        const decision = (['approve', 'request_changes', 'reject'] as const)[Math.floor(rand() * 3)] as 'approve' | 'request_changes' | 'reject';
        const started = performance.now();
        try {
          const review = await ws.annotations.review(label.id, 'typed in settings', decision, decision === 'request_changes' ? 'look again at the brows' : '');
          log({ op: 'review', annotationId: label.id, result: 'ok', id: review.id, version: review.annotationVersion, decision, reviewer: review.reviewer, ms: performance.now() - started });
        } catch (error) {
          log({ op: 'review', annotationId: label.id, decision, ...failure(error), ms: performance.now() - started });
        }
      }
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}

/**
 * In one transaction: a new event beside `eventId`, a label on it, and a new version of
 * this role's label of `eventId` (its row locked); then waits there to be killed.
 */
async function killed(ws: WorkspaceStore, eventId: number): Promise<void> {
  const me = ws.actingRole as string;
  await ws.transaction(async (tx) => {
    const beside = await tx.events.require(eventId);
    const added = await tx.events.create({ clipId: beside.clipId, onset: 7, apex: 8, offset: 9, source: 'manual' });
    await tx.annotations.save({ eventId: added.id, annotator: me, aus: 'AU25', description: 'never committed' });
    const current = await tx.annotations.get(eventId, me);
    const edit = current?.status === 'submitted'
      ? { status: 'draft' as const, aus: current.aus, emotion: current.emotion, label3: current.label3, description: current.description, provenance: current.provenance }
      : { aus: 'AU26', description: 'never committed' };
    await tx.annotations.save({ eventId, annotator: me, baseVersion: current?.version ?? null, amend: current?.locked === true, ...edit });
    log({ op: 'mid-transaction' });
    await new Promise(() => undefined);
  });
}

const ws = await openWorkspace(url);
log({ op: 'ready', as: ws.actingRole });
try {
  if (mode === 'coder') {
    const [seconds, period, seed, events] = rest;
    await coder(ws, Number(seconds), Number(period), random(Number(seed)), (events ?? '').split(',').map(Number));
  } else if (mode === 'reviewer') {
    const [seconds, period, seed] = rest;
    await reviewer(ws, Number(seconds), Number(period), random(Number(seed)));
  } else if (mode === 'killed') {
    await killed(ws, Number(rest[0]));
  }
} finally {
  await ws.close();
}
log({ op: 'done' });
