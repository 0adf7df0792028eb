import { AnnotationConflictSchema, changedFields, type AnnotationConflict } from '@shared/annotation-conflict';
import { AppError } from '@shared/errors';
import { AnnotationInputSchema, type Annotation, type AnnotationAudit, type AnnotationInput, type Annotator, type Review } from '@shared/workspace';
import type { AnnotationsStore } from '../interface';
import { PG_NOW } from '../migrations';
import { ensureAnnotator } from './annotators';
import { LIVE_EVENT_BY_ID } from './deletions';
import { PgRepo } from './repo';
import type { Sql } from './session';
import { toAnnotation, type AnnotationRow } from '../rows';

const SELECT = `SELECT a.id, a.event_id, n.name AS annotator, a.aus, a.emotion, a.label3, a.description, a.status, a.provenance,
  a.version, a.locked, a.updated_at FROM annotations a JOIN annotators n ON n.id = a.annotator_id`;
const DECISION_STATUS = { approve: 'approved', request_changes: 'changes_requested', reject: 'rejected' } as const;
type ParsedInput = ReturnType<typeof AnnotationInputSchema.parse>;

/** Withdrawing: a submitted label back to draft as it is (see sqlite/annotations.ts). */
function isWithdrawal(current: Annotation, input: ParsedInput): boolean {
  return (
    input.status === 'draft' &&
    input.aus === current.aus &&
    input.emotion === current.emotion &&
    input.label3 === current.label3 &&
    input.description === current.description &&
    input.provenance === current.provenance
  );
}

/**
 * Labels on PostgreSQL: the lifecycle and audit trail of sqlite/annotations.ts. A save
 * or a decision locks the label's row (`FOR UPDATE`) before comparing versions, so of
 * two workstations saving from the same version one lands and the other gets
 * EDIT_CONFLICT with who and when, never a lost update.
 */
export class PgAnnotationsRepo extends PgRepo implements AnnotationsStore {
  ensureAnnotator(name: string, role: Annotator['role'] = 'annotator'): Promise<Annotator> {
    return this.sql.write((sql) => ensureAnnotator(sql, name, role));
  }

  get(eventId: number, annotator: string): Promise<Annotation | null> {
    return byEventAndName(this.sql, eventId, annotator);
  }

  byId(id: number): Promise<Annotation | null> {
    return byId(this.sql, id);
  }

  async listForEvent(eventId: number): Promise<Annotation[]> {
    return (await this.sql.rows<AnnotationRow>(`${SELECT} WHERE a.event_id = $1 ORDER BY n.name`, [eventId])).map(toAnnotation);
  }

  save(input: AnnotationInput): Promise<Annotation> {
    const a = AnnotationInputSchema.parse(input);
    return this.sql.write(async (sql) => {
      if (!(await sql.one(`${LIVE_EVENT_BY_ID} FOR SHARE OF e`, [a.eventId]))) {
        throw new AppError('NOT_FOUND', `No event ${a.eventId} in this workspace (or it was deleted)`);
      }
      const annotator = await ensureAnnotator(sql, a.annotator);
      let current = await byEventAndName(sql, a.eventId, a.annotator, true);
      const fields = [a.aus, a.emotion, a.label3, a.description, a.status, a.provenance] as const;
      let id: number | null = null;
      if (!current && a.baseVersion === null) {
        // Another workstation may create the same label at the same moment: the unique key decides.
        const row = await sql.one<{ id: number }>(
          `INSERT INTO annotations (event_id, annotator_id, aus, emotion, label3, description, status, provenance, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) ON CONFLICT (event_id, annotator_id) DO NOTHING RETURNING id`,
          [a.eventId, annotator.id, ...fields],
        );
        if (row) id = row.id;
        else current = await byEventAndName(sql, a.eventId, a.annotator, true);
      }
      if (id === null) {
        await checkSave(sql, current, a);
        await sql.run(
          `UPDATE annotations SET aus = $1, emotion = $2, label3 = $3, description = $4, status = $5, provenance = $6,
             locked = 0, version = version + 1, updated_at = ${PG_NOW} WHERE id = $7`,
          [...fields, current!.id],
        );
        id = current!.id;
      }
      return appendAudit(sql, id, annotator.id);
    });
  }

  review(annotationId: number, reviewer: string, decision: Review['decision'], comment = '', baseVersion: number | null = null): Promise<Review> {
    return this.sql.write(async (sql) => {
      const annotation = await byId(sql, annotationId, true);
      if (!annotation) throw new AppError('NOT_FOUND', `No annotation ${annotationId} in this workspace`);
      if (!(await sql.one(LIVE_EVENT_BY_ID, [annotation.eventId]))) throw new AppError('NOT_FOUND', `Event ${annotation.eventId} of annotation ${annotationId} was deleted`);
      const who = await ensureAnnotator(sql, reviewer, 'reviewer');
      if (who.role !== 'reviewer') throw new AppError('FORBIDDEN', `${reviewer} is not a reviewer`);
      if (annotation.annotator === who.name) throw new AppError('FORBIDDEN', `${reviewer} cannot review their own label; another reviewer decides on it`);
      if (baseVersion !== null && baseVersion > annotation.version) {
        throw new AppError('INVALID_INPUT', `Version ${baseVersion} of this annotation was never saved (the newest is ${annotation.version}); reload it`);
      }
      if (baseVersion !== null && baseVersion !== annotation.version) throw await conflict(sql, annotation, baseVersion);
      await sql.run(`UPDATE annotations SET status = $1, locked = $2, version = version + 1, updated_at = ${PG_NOW} WHERE id = $3`, [
        DECISION_STATUS[decision],
        decision === 'approve' ? 1 : 0,
        annotationId,
      ]);
      const updated = await appendAudit(sql, annotationId, who.id);
      const row = (await sql.one<{ id: number; createdAt: string }>(
        'INSERT INTO reviews (annotation_id, annotation_version, reviewer_id, decision, comment) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at AS "createdAt"',
        [annotationId, updated.version, who.id, decision, comment],
      ))!;
      return { id: row.id, createdAt: row.createdAt, annotationId, annotationVersion: updated.version, reviewer, decision, comment };
    });
  }

  history(annotationId: number): Promise<AnnotationAudit[]> {
    return this.sql.rows<AnnotationAudit>(
      `SELECT e.id, e.annotation_id AS "annotationId", e.version, n.name AS annotator, e.snapshot, e.at
       FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id WHERE e.annotation_id = $1 ORDER BY e.id`,
      [annotationId],
    );
  }
}

async function byEventAndName(sql: Sql, eventId: number, annotator: string, lock = false): Promise<Annotation | null> {
  const row = await sql.one<AnnotationRow>(`${SELECT} WHERE a.event_id = $1 AND n.name = $2${lock ? ' FOR UPDATE OF a' : ''}`, [eventId, annotator]);
  return row ? toAnnotation(row) : null;
}

async function byId(sql: Sql, id: number, lock = false): Promise<Annotation | null> {
  const row = await sql.one<AnnotationRow>(`${SELECT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`, [id]);
  return row ? toAnnotation(row) : null;
}

/** The refusals of sqlite/annotations.ts, in its order. */
async function checkSave(sql: Sql, current: Annotation | null, a: ParsedInput): Promise<void> {
  if (current?.locked && !a.amend) {
    throw new AppError('FORBIDDEN', `The annotation of event ${a.eventId} by ${a.annotator} is approved and locked; amend it to start a new version`);
  }
  if (current && a.baseVersion !== null && a.baseVersion > current.version) {
    throw new AppError('INVALID_INPUT', `Version ${a.baseVersion} of this annotation was never saved (the newest is ${current.version}); reload it`);
  }
  if (current && current.version !== a.baseVersion) throw await conflict(sql, current, a.baseVersion);
  if (!current) throw new AppError('INVALID_INPUT', `The annotation no longer exists at version ${a.baseVersion}; reload it`);
  if (current.status === 'submitted' && !isWithdrawal(current, a)) {
    throw new AppError('FORBIDDEN', `The annotation of event ${a.eventId} by ${a.annotator} is submitted for review: withdraw it (back to draft, unchanged) before editing it`);
  }
}

/** The refusal of a save that started from `baseVersion` while `current` is stored: who changed what, and when. */
async function conflict(sql: Sql, current: Annotation, baseVersion: number | null): Promise<AppError> {
  const newest = await sql.one<{ actor: string }>(
    'SELECT n.name AS actor FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id WHERE e.annotation_id = $1 ORDER BY e.id DESC LIMIT 1',
    [current.id],
  );
  const baseRow =
    baseVersion === null
      ? undefined
      : await sql.one<{ snapshot: string }>('SELECT snapshot FROM annotation_events WHERE annotation_id = $1 AND version = $2 ORDER BY id DESC LIMIT 1', [current.id, baseVersion]);
  const base = baseRow ? (JSON.parse(baseRow.snapshot) as Annotation) : null;
  const detail: AnnotationConflict = AnnotationConflictSchema.parse({
    theirs: current,
    baseVersion,
    changedBy: newest?.actor ?? current.annotator,
    changedAt: current.updatedAt,
    changedFields: changedFields(baseVersion === null ? null : (base ?? null), current),
  });
  const fields = detail.changedFields.length ? detail.changedFields.join(', ') : 'no label field';
  return new AppError(
    'EDIT_CONFLICT',
    `The annotation changed since it was loaded (version ${current.version}, edited from ${baseVersion ?? 'none'}): ${detail.changedBy} saved it at ${current.updatedAt}, changing ${fields}`,
    { detail },
  );
}

async function appendAudit(sql: Sql, annotationId: number, actorId: number): Promise<Annotation> {
  const saved = await byId(sql, annotationId);
  if (!saved) throw new AppError('INTERNAL', `Annotation ${annotationId} vanished while saving`);
  await sql.run('INSERT INTO annotation_events (annotation_id, annotator_id, version, snapshot) VALUES ($1, $2, $3, $4)', [annotationId, actorId, saved.version, JSON.stringify(saved)]);
  return saved;
}
