import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices, type Services } from '../../src/main/app/services';
import { openWorkspace } from '../../src/main/store';
import { startTeamServer, type TeamServer } from '../helpers/team-postgres';

// A team server set up by scripts/postgres-setup.sh; each person a login role with their
// own connection. What the app shows is checked through the API, what the server enforces
// with direct SQL as the coder's role (as psql would run it), outside the app.

let team: TeamServer;
let home: string;
let eventId: number;
const opened: Services[] = [];

beforeAll(async () => {
  team = await startTeamServer();
  home = mkdtempSync(join(tmpdir(), 'mellm-team-blinding-'));
  for (const [name, role] of [['ana', 'annotator'], ['bo', 'annotator'], ['rex', 'reviewer'], ['rita', 'reviewer']] as const) await team.addPerson(name, role);
  // The owner's seat (a superuser here) adds the corpus.
  const admin = await openWorkspace(team.url('postgres'));
  try {
    const clip = await admin.clips.add({ path: '/media/sub01/EP01.mp4', kind: 'video', fps: 200, frames: 100, width: 640, height: 480 });
    eventId = (await admin.events.create({ clipId: clip.id, onset: 10, apex: 20, offset: 30, source: 'manual' })).id;
  } finally {
    await admin.close();
  }
}, 180_000);

afterAll(async () => {
  for (const services of opened) await disposeServices(services);
  await team?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The app of one person: their own services (Settings name left as typed), the workspace opened as their role. */
async function app(person: string, settingsName = 'somebody else') {
  const services = createServices({ userDataDir: join(home, person) });
  opened.push(services);
  const table = createHandlerTable(services);
  const call = async <T = unknown>(channel: string, payload: unknown = {}) => dispatch(table, channel, payload, { transport: 'direct' }) as Promise<{ ok: boolean; data: T; error: { code: string; message: string } }>;
  await call('settings.update', { annotator: settingsName });
  const open = await call<{ identity: string; actingAs: string | null }>('workspace.open', { path: team.url(person) });
  return { call, open };
}

const rows = async (client: pg.Client, sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];

describe('a team on one PostgreSQL workspace: identity and blinding the server enforces', () => {
  it('records each label under the login role whatever name the client gives, hides a coder’s undecided label from another coder’s own SQL until a reviewer decides, and refuses self-approval through the API and the server', async () => {
    const ana = await app('ana');
    expect(ana.open).toMatchObject({ ok: true, data: { identity: 'database-role', actingAs: 'ana' } });
    const anaLabel = await ana.call<{ id: number; annotator: string }>('annotations.save', { eventId, annotator: 'somebody else', aus: 'AU1+AU2', emotion: 'surprise', status: 'submitted' });
    expect(anaLabel).toMatchObject({ ok: true, data: { annotator: 'ana' } });
    // The editor asks for its own label by Settings' name: on a team server that is the role's.
    expect(await ana.call('annotations.get', { eventId, annotator: 'somebody else' })).toMatchObject({ ok: true, data: [{ id: anaLabel.data.id, annotator: 'ana' }] });
    const history = await ana.call<Array<{ annotator: string }>>('review.history', { annotationId: anaLabel.data.id });
    expect(history.data.map((h) => h.annotator)).toEqual(['ana']);

    const bo = await app('bo', 'ana');
    const boLabel = await bo.call<{ id: number; annotator: string }>('annotations.save', { eventId, annotator: 'ana', aus: 'AU4', status: 'submitted' });
    expect(boLabel).toMatchObject({ ok: true, data: { annotator: 'bo' } });
    // Through the app bo sees only his own label…
    expect((await bo.call<Array<{ annotator: string }>>('annotations.get', { eventId })).data.map((a) => a.annotator)).toEqual(['bo']);

    // …and with his own role's SQL, outside the app, ana's undecided label and its audit rows do not exist.
    const boSql = await team.connect('bo');
    try {
      expect(await rows(boSql, 'SELECT id FROM annotations ORDER BY id')).toEqual([{ id: String(boLabel.data.id) }]);
      expect((await rows(boSql, `SELECT annotation_id FROM annotation_events`)).map((r) => Number(r.annotation_id))).toEqual([boLabel.data.id]);
      expect(await rows(boSql, `SELECT count(*)::int AS n FROM annotations WHERE id = ${anaLabel.data.id}`)).toEqual([{ n: 0 }]);
      // He cannot write as her, decide, approve himself, or rewrite the trail.
      await expect(boSql.query(`INSERT INTO annotations (event_id, annotator_id, status, provenance, version) SELECT ${eventId}, id, 'draft', 'manual', 1 FROM annotators WHERE name = 'ana'`)).rejects.toThrow(/row-level security/);
      await expect(boSql.query(`UPDATE annotations SET status = 'approved', locked = 1 WHERE id = ${boLabel.data.id}`)).rejects.toThrow(/row-level security/);
      await expect(boSql.query(`INSERT INTO reviews (annotation_id, annotation_version, reviewer_id, decision) SELECT ${anaLabel.data.id}, 1, mellm_me(), 'approve'`)).rejects.toThrow(/permission denied/);
      await expect(boSql.query(`UPDATE annotation_events SET snapshot = '{}'`)).rejects.toThrow(/permission denied/);
      await expect(boSql.query(`DELETE FROM annotation_events`)).rejects.toThrow(/permission denied/);
      expect(await bo.call('review.decide', { annotationId: anaLabel.data.id, decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      // A reviewer sees both; their own label they cannot approve (API and server alike).
      const rex = await app('rex', 'ana');
      expect((await rex.call<unknown[]>('review.queue', {})).data).toHaveLength(1);
      const rexLabel = await rex.call<{ id: number }>('annotations.save', { eventId, annotator: 'ana', aus: 'AU1', status: 'submitted' });
      expect(rexLabel).toMatchObject({ ok: true, data: { annotator: 'rex' } });
      expect(await rex.call('review.decide', { annotationId: rexLabel.data.id, decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const rexSql = await team.connect('rex');
      try {
        await expect(rexSql.query(`INSERT INTO reviews (annotation_id, annotation_version, reviewer_id, decision) SELECT ${rexLabel.data.id}, 1, mellm_me(), 'approve'`)).rejects.toThrow(/row-level security/);
        await expect(rexSql.query(`UPDATE annotations SET status = 'approved', locked = 1 WHERE id = ${rexLabel.data.id}`)).rejects.toThrow(/row-level security/);
      } finally {
        await rexSql.end();
      }
      const decided = await rex.call<{ review: { reviewer: string } }>('review.decide', { annotationId: anaLabel.data.id, decision: 'approve' });
      expect(decided).toMatchObject({ ok: true, data: { review: { reviewer: 'rex' }, annotation: { status: 'approved', locked: true } } });
      const rita = await app('rita');
      expect(await rita.call('review.decide', { annotationId: rexLabel.data.id, decision: 'approve' })).toMatchObject({ ok: true, data: { review: { reviewer: 'rita' } } });

      // Decided: blind labelling of this event is over, for bo's own SQL too; the trail names each role.
      expect((await rows(boSql, 'SELECT id FROM annotations ORDER BY id')).map((r) => Number(r.id))).toEqual([anaLabel.data.id, boLabel.data.id, rexLabel.data.id]);
      const trail = await rows(boSql, `SELECT n.name FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id WHERE e.annotation_id = ${anaLabel.data.id} ORDER BY e.id`);
      expect(trail.map((r) => r.name)).toEqual(['ana', 'rex']);
      expect((await bo.call<Array<{ annotator: string }>>('annotations.get', { eventId })).data.map((a) => a.annotator)).toEqual(['ana', 'bo', 'rex']);
    } finally {
      await boSql.end();
    }
  });
});
