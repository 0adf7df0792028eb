import { AnnotationConflictSchema, changedFields, type AnnotationConflict } from '@shared/annotation-conflict';
import { AppError } from '@shared/errors';
import {
  AnnotationInputSchema,
  type Annotation,
  type AnnotationAudit,
  type AnnotationInput,
  type Annotator,
  type Review,
} from '@shared/workspace';
import type { AnnotationsStore, Sync } from '../interface';
import { LIVE_EVENT_BY_ID } from './deletions';
import { SqliteRepo } from './statements';
import { toAnnotation, type AnnotationRow } from '../rows';

const SELECT = `SELECT a.*, n.name AS annotator FROM annotations a JOIN annotators n ON n.id = a.annotator_id`;
const DECISION_STATUS = { approve: 'approved', request_changes: 'changes_requested', reject: 'rejected' } as const;

/**
 * Withdrawing takes a submitted label back to draft as it is: the one save its annotator
 * may make while it awaits review, so a reviewer never decides on a label that changed
 * under them.
 */
function isWithdrawal(current: Annotation, input: ReturnType<typeof AnnotationInputSchema.parse>): boolean {
  return (
    input.status === 'draft' &&
    input.aus === current.aus &&
    input.emotion === current.emotion &&
    input.label3 === current.label3 &&
    input.description === current.description &&
    input.provenance === current.provenance
  );
}

/** Annotators, their annotations, the append-only audit trail and reviews. */
export class AnnotationsRepo extends SqliteRepo implements Sync<AnnotationsStore> {

  /** The annotator with this name, created on first use. */
  ensureAnnotator(name: string, role: Annotator['role'] = 'annotator'): Annotator {
    return this.db.transaction(() => {
      this.sql('INSERT INTO annotators (name, role) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, role);
      return this.sql('SELECT id, name, role FROM annotators WHERE name = ?').get(name) as Annotator;
    })();
  }

  get(eventId: number, annotator: string): Annotation | null {
    const row = this.sql(`${SELECT} WHERE a.event_id = ? AND n.name = ?`).get(eventId, annotator) as AnnotationRow | undefined;
    return row ? toAnnotation(row) : null;
  }

  byId(id: number): Annotation | null {
    const row = this.sql(`${SELECT} WHERE a.id = ?`).get(id) as AnnotationRow | undefined;
    return row ? toAnnotation(row) : null;
  }

  listForEvent(eventId: number): Annotation[] {
    return (this.sql(`${SELECT} WHERE a.event_id = ? ORDER BY n.name`).all(eventId) as AnnotationRow[]).map(toAnnotation);
  }

  /**
   * Creates or updates an annotator's annotation of an event: bumps the version and
   * appends a snapshot to the audit trail, in one transaction. `baseVersion` guards
   * against overwriting a newer save (another window, another process).
   */
  save(input: AnnotationInput): Annotation {
    const a = AnnotationInputSchema.parse(input);
    return this.db.transaction(() => {
      if (!this.sql(LIVE_EVENT_BY_ID).get(a.eventId)) {
        throw new AppError('NOT_FOUND', `No event ${a.eventId} in this workspace (or it was deleted)`);
      }
      const annotator = this.ensureAnnotator(a.annotator);
      const current = this.get(a.eventId, a.annotator);
      if (current?.locked && !a.amend) {
        throw new AppError('FORBIDDEN', `The annotation of event ${a.eventId} by ${a.annotator} is approved and locked; amend it to start a new version`);
      }
      if (current && a.baseVersion !== null && a.baseVersion > current.version) {
        throw new AppError('INVALID_INPUT', `Version ${a.baseVersion} of this annotation was never saved (the newest is ${current.version}); reload it`);
      }
      if (current && current.version !== a.baseVersion) throw this.#conflict(current, a.baseVersion);
      if (!current && a.baseVersion !== null) {
        throw new AppError('INVALID_INPUT', `The annotation no longer exists at version ${a.baseVersion}; reload it`);
      }
      if (current?.status === 'submitted' && !isWithdrawal(current, a)) {
        throw new AppError(
          'FORBIDDEN',
          `The annotation of event ${a.eventId} by ${a.annotator} is submitted for review: withdraw it (back to draft, unchanged) before editing it`,
        );
      }
      const fields = [a.aus, a.emotion, a.label3, a.description, a.status, a.provenance] as const;
      let id: number;
      if (current) {
        this.db
          .prepare(
            `UPDATE annotations SET aus = ?, emotion = ?, label3 = ?, description = ?, status = ?, provenance = ?,
               locked = 0, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
          )
          .run(...fields, current.id);
        id = current.id;
      } else {
        const result = this.db
          .prepare(
            `INSERT INTO annotations (event_id, annotator_id, aus, emotion, label3, description, status, provenance, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(a.eventId, annotator.id, ...fields);
        id = Number(result.lastInsertRowid);
      }
      return this.#appendAudit(id, annotator.id);
    })();
  }

  /** Records a reviewer's decision; approval locks the annotation against further edits. */
  review(annotationId: number, reviewer: string, decision: Review['decision'], comment = '', baseVersion: number | null = null): Review {
    return this.db.transaction(() => {
      const annotation = this.byId(annotationId);
      if (!annotation) throw new AppError('NOT_FOUND', `No annotation ${annotationId} in this workspace`);
      if (!this.sql(LIVE_EVENT_BY_ID).get(annotation.eventId)) throw new AppError('NOT_FOUND', `Event ${annotation.eventId} of annotation ${annotationId} was deleted`);
      const who = this.ensureAnnotator(reviewer, 'reviewer');
      if (who.role !== 'reviewer') throw new AppError('FORBIDDEN', `${reviewer} is not a reviewer`);
      if (annotation.annotator === who.name) throw new AppError('FORBIDDEN', `${reviewer} cannot review their own label; another reviewer decides on it`);
      if (baseVersion !== null && baseVersion > annotation.version) {
        throw new AppError('INVALID_INPUT', `Version ${baseVersion} of this annotation was never saved (the newest is ${annotation.version}); reload it`);
      }
      if (baseVersion !== null && baseVersion !== annotation.version) throw this.#conflict(annotation, baseVersion);
      this.db
        .prepare(
          `UPDATE annotations SET status = ?, locked = ?, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
        )
        .run(DECISION_STATUS[decision], decision === 'approve' ? 1 : 0, annotationId);
      const updated = this.#appendAudit(annotationId, who.id);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO reviews (annotation_id, annotation_version, reviewer_id, decision, comment) VALUES (?, ?, ?, ?, ?)')
        .run(annotationId, updated.version, who.id, decision, comment);
      return {
        ...(this.sql('SELECT id, created_at AS createdAt FROM reviews WHERE id = ?').get(lastInsertRowid) as { id: number; createdAt: string }),
        annotationId,
        annotationVersion: updated.version,
        reviewer,
        decision,
        comment,
      };
    })();
  }

  /** The audit trail of one annotation, oldest first. */
  history(annotationId: number): AnnotationAudit[] {
    return this.db
      .prepare(
        `SELECT e.id, e.annotation_id AS annotationId, e.version, n.name AS annotator, e.snapshot, e.at
         FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id WHERE e.annotation_id = ? ORDER BY e.id`,
      )
      .all(annotationId) as AnnotationAudit[];
  }

  /** The refusal of a save that started from `baseVersion` while `current` is stored: who changed what, and when. */
  #conflict(current: Annotation, baseVersion: number | null): AppError {
    const newest = this.sql('SELECT n.name AS actor FROM annotation_events e JOIN annotators n ON n.id = e.annotator_id WHERE e.annotation_id = ? ORDER BY e.id DESC LIMIT 1').get(current.id) as
      | { actor: string }
      | undefined;
    const baseRow =
      baseVersion === null
        ? undefined
        : (this.sql('SELECT snapshot FROM annotation_events WHERE annotation_id = ? AND version = ? ORDER BY id DESC LIMIT 1').get(current.id, baseVersion) as { snapshot: string } | undefined);
    const base = baseRow ? (JSON.parse(baseRow.snapshot) as Annotation) : null;
    const detail: AnnotationConflict = AnnotationConflictSchema.parse({
      theirs: current,
      baseVersion,
      changedBy: newest?.actor ?? current.annotator,
      changedAt: current.updatedAt,
      // Without the base snapshot (an unknown version) every field of theirs counts as changed.
      changedFields: changedFields(baseVersion === null ? null : base ?? null, current),
    });
    const fields = detail.changedFields.length ? detail.changedFields.join(', ') : 'no label field';
    return new AppError(
      'EDIT_CONFLICT',
      `The annotation changed since it was loaded (version ${current.version}, edited from ${baseVersion ?? 'none'}): ${detail.changedBy} saved it at ${current.updatedAt}, changing ${fields}`,
      { detail },
    );
  }

  #appendAudit(annotationId: number, actorId: number): Annotation {
    const saved = this.byId(annotationId);
    if (!saved) throw new AppError('INTERNAL', `Annotation ${annotationId} vanished while saving`);
    this.db
      .prepare('INSERT INTO annotation_events (annotation_id, annotator_id, version, snapshot) VALUES (?, ?, ?, ?)')
      .run(annotationId, actorId, saved.version, JSON.stringify(saved));
    return saved;
  }
}
