import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/main/store';
import { startTeamServer, type TeamServer } from '../helpers/team-postgres';
import { runTeam, seedTeamCorpus, startMember, type LogEntry, type MemberRun } from './support/team-run';

// Four coders and a reviewer, each a process with its own login role and connections, on
// one PostgreSQL workspace for MELLM_TEAM_SECONDS (15 s here; the 60 s run is
// `npm run bench -- team`), while two of the workstations run "Analyse all" (the real CLI
// and pipeline on synthetic clips). Each process logs what the server acknowledged and
// refused; the database must hold exactly that. Synthetic clips show the claims split
// the work; they say nothing about analysis quality.

const SECONDS = Number(process.env.MELLM_TEAM_SECONDS ?? 15);
const CODERS = ['ana', 'bo', 'cy', 'dee'];
let team: TeamServer;
let dir: string;
let events: number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-team-'));
  team = await startTeamServer();
  for (const name of CODERS) await team.addPerson(name, 'annotator');
  await team.addPerson('rex', 'reviewer');
  events = await seedTeamCorpus(team.url('postgres'), join(dir, 'clips'), 2);
}, 300_000);

afterAll(async () => {
  await team?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface AuditRow {
  annotation_id: number;
  version: number;
  actor: string;
  snapshot: string;
}

describe('a team on one PostgreSQL workspace at once', () => {
  it(`4 coders saving every 200 ms, a reviewer deciding, two workstations analysing all for ${SECONDS} s: no write lost or doubled, every stale save refused with who/when, each event analysed once, the audit complete`, async () => {
    const runs = await runTeam({ url: team.url, coders: CODERS, reviewers: ['rex'], analysers: ['ana', 'cy'], events, seconds: SECONDS, periodMs: 200 });
    for (const run of runs) expect({ name: run.name, kind: run.kind, code: run.code, signal: run.signal, stderr: run.code === 0 ? '' : run.stderr }).toMatchObject({ code: 0, signal: null });

    const owner = await team.connect('postgres');
    try {
      const audit = (await owner.query<AuditRow>(
        `SELECT e.annotation_id::int, e.version, n.name AS actor, e.snapshot FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id ORDER BY e.id`,
      )).rows;
      const coderRuns = runs.filter((r) => r.kind === 'coder');
      const acked = (run: MemberRun, op: string) => run.log.filter((e): e is LogEntry & { id: number; version: number } => e.op === op && e.result === 'ok');

      // Each label's trail holds versions 1..n, once each.
      const byLabel = new Map<number, AuditRow[]>();
      for (const row of audit) byLabel.set(row.annotation_id, [...(byLabel.get(row.annotation_id) ?? []), row]);
      for (const [id, rows] of byLabel) expect(rows.map((r) => r.version), `label ${id}`).toEqual(rows.map((_, i) => i + 1));

      let saves = 0;
      let conflicts = 0;
      for (const run of coderRuns) {
        const mine = acked(run, 'save');
        saves += mine.length;
        // Every acknowledged save is in the trail as this role, with what the process sent; nothing else of its is.
        const trail = audit.filter((row) => row.actor === run.name);
        expect(trail.length, `${run.name}: audit rows vs acknowledged saves`).toBe(mine.length);
        for (const save of mine) {
          const row = byLabel.get(save.id)?.find((r) => r.version === save.version);
          expect(row?.actor, `${run.name} save v${save.version} of label ${save.id}`).toBe(run.name);
          expect(JSON.parse(row?.snapshot ?? '{}')).toMatchObject({ annotator: run.name, aus: save.aus, description: save.description, status: save.status });
          // Saved on top of the version it started from, never over one it did not see.
          expect(save.version).toBe(((save.baseVersion as number | null) ?? 0) + 1);
          expect(save.annotator).toBe(run.name);
        }
        // Every save from a stale copy was refused: as a conflict naming who saved last and when, or
        // (approved meanwhile by the reviewer) as locked.
        for (const attempt of run.log.filter((e) => e.op === 'save' && e.stale)) {
          expect(attempt.result === 'conflict' || (attempt.code === 'FORBIDDEN' && /locked/.test(String(attempt.message))), JSON.stringify(attempt)).toBe(true);
        }
        for (const refusal of run.log.filter((e) => e.result === 'conflict')) {
          conflicts += 1;
          expect([run.name, 'rex']).toContain(refusal.changedBy);
          expect(refusal.changedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        }
        expect(run.log.filter((e) => e.result === 'error' || (e.result === 'refused' && e.code !== 'FORBIDDEN'))).toEqual([]);
      }
      const reviewer = runs.find((r) => r.kind === 'reviewer') as MemberRun;
      const decisions = acked(reviewer, 'review');
      expect(audit.filter((row) => row.actor === 'rex').length).toBe(decisions.length);
      const reviews = (await owner.query<{ id: number; annotation_id: number; annotation_version: number }>('SELECT id::int, annotation_id::int, annotation_version FROM reviews ORDER BY id')).rows;
      expect(reviews.map((r) => [r.id, r.annotation_id, r.annotation_version])).toEqual(decisions.map((d) => [d.id, d.annotationId, d.version]));
      for (const d of decisions) expect(byLabel.get(d.annotationId as number)?.find((r) => r.version === d.version)?.actor).toBe('rex');
      // Each label's row is its trail's last snapshot.
      const labels = (await owner.query<{ id: number; version: number; aus: string; status: string }>('SELECT id::int, version, aus, status FROM annotations')).rows;
      for (const label of labels) {
        const last = byLabel.get(label.id)?.at(-1);
        expect(last?.version).toBe(label.version);
        expect(JSON.parse(last?.snapshot ?? '{}')).toMatchObject({ aus: label.aus, status: label.status });
      }
      // The mix really ran: a save every 200 ms from each coder (allowing a loaded machine), conflicts, decisions.
      expect(saves).toBeGreaterThan(CODERS.length * SECONDS);
      expect(conflicts).toBeGreaterThan(0);
      expect(decisions.length).toBeGreaterThan(0);

      // "Analyse all" from two workstations: every event analysed exactly once between them.
      const analysed = (await owner.query<{ event_id: number; n: number }>('SELECT event_id::int, count(*)::int AS n FROM analyses GROUP BY event_id ORDER BY event_id')).rows;
      expect(analysed).toEqual(events.map((id) => ({ event_id: id, n: 1 })));
      const summaries = runs.filter((r) => r.kind === 'analyser').map((r) => r.log.at(-1) as unknown as { analysed: number; elsewhere: number; failed: unknown[] });
      // Each workstation's summary tells its own analyses from those another one made.
      expect(summaries.reduce((sum, s) => sum + s.analysed, 0)).toBe(events.length);
      for (const s of summaries) expect(s.analysed + s.elsewhere).toBe(events.length);
      for (const s of summaries) expect(s.failed).toEqual([]);
      expect((await owner.query("SELECT count(*)::int AS n FROM job_claims WHERE state <> 'done'")).rows).toEqual([{ n: 0 }]);
      console.info(
        `team run ${SECONDS} s: ${saves} saves, ${conflicts} conflicts refused, ${decisions.length} decisions, analyses split ${summaries.map((s) => s.analysed).join(' + ')}`,
      );
    } finally {
      await owner.end();
    }
  }, 240_000);

  it('a client SIGKILLed in the middle of a transaction leaves nothing of it, and its row locks go with it', async () => {
    const [first] = events as [number];
    const owner0 = await team.connect('postgres');
    const before = (await owner0.query('SELECT count(*)::int AS n FROM events')).rows;
    await owner0.end();
    const victim = startMember(team.url('dee'), ['killed', String(first)]);
    await victim.waitFor(/mid-transaction/, 60_000);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    const owner = await team.connect('postgres');
    try {
      expect((await owner.query("SELECT count(*)::int AS n FROM annotations WHERE description = 'never committed'")).rows).toEqual([{ n: 0 }]);
      expect((await owner.query("SELECT count(*)::int AS n FROM annotation_events WHERE snapshot LIKE '%never committed%'")).rows).toEqual([{ n: 0 }]);
      expect((await owner.query('SELECT count(*)::int AS n FROM events')).rows).toEqual(before);
    } finally {
      await owner.end();
    }
    // The labels it held locked are free at once: dee's next save lands (no BUSY after the 5 s lock timeout).
    const dee = await openWorkspace(team.url('dee'));
    try {
      const current = await dee.annotations.get(first, 'dee');
      const started = performance.now();
      const saved = await dee.annotations.save({ eventId: first, annotator: 'dee', aus: 'AU5', baseVersion: current?.version ?? null, amend: current?.locked === true, ...(current?.status === 'submitted' ? { status: 'draft', aus: current.aus, emotion: current.emotion, label3: current.label3, description: current.description, provenance: current.provenance } : {}) });
      expect(performance.now() - started).toBeLessThan(4000);
      expect(saved.annotator).toBe('dee');
    } finally {
      await dee.close();
    }
  }, 120_000);
});
