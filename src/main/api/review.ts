import { analysisFlowModel, type reviewChannels } from '@shared/api';
import { AppError } from '@shared/errors';
import { agreementSummary } from '../corpus/agreement-summary';
import { modelReading, readStoredEvidence } from '../analysis/stored-analysis';
import { codedEventsFromStore } from '../app/records-from-store';
import { openWorkspace, type WorkspaceStore } from '../store';
import { normalizeLocation, redactLocation } from '../store/location';
import { actingName } from './actor';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

/** Annotator profiles, review decisions with sign-off and agreement. */
export function reviewHandlers(services: Services): Pick<HandlerTable, keyof typeof reviewChannels> {
  const { workspaces } = services;
  const ws = () => workspaces.require();
  const actor = () => actingName(services);
  const reviewer = async () => ws().annotators.requireReviewer(await actor());

  /** Roles are a reviewer's to give; the first reviewer of a workspace may be named by anyone. */
  const mayAssignRoles = async () => {
    if ((await ws().annotators.list()).some((profile) => profile.role === 'reviewer')) await reviewer();
  };

  /** Runs `work` on another workspace file (opened for the call only) or on the open one. */
  const withWorkspace = async <T>(path: string | undefined, work: (w: WorkspaceStore) => Promise<T>): Promise<T> => {
    const open = workspaces.current;
    if (path === undefined) return work(ws());
    if (open?.isOpen && open.location === redactLocation(normalizeLocation(path))) return work(open);
    const other = await openWorkspace(path);
    try {
      return await work(other);
    } finally {
      await other.close();
    }
  };

  return {
    'annotators.list': async () => ws().annotators.list(),
    'annotators.create': async ({ name, role }) => {
      if (role === 'reviewer') await mayAssignRoles();
      return ws().annotators.create(name, role);
    },
    'annotators.update': async ({ id, ...patch }) => {
      if (patch.role !== undefined) await mayAssignRoles();
      else if ((await ws().annotators.byName(await actor()))?.id !== id) await reviewer(); // renaming someone else
      return ws().annotators.update(id, patch);
    },
    'review.queue': async ({ limit, offset }) => {
      await reviewer();
      return ws().reviews.queue(limit ?? 500, offset ?? 0);
    },
    'review.event': async ({ eventId }) => {
      await reviewer();
      const w = ws();
      const event = await w.events.require(eventId);
      const decisions = await w.reviews.latestForEvent(eventId);
      const [analysis] = await w.analyses.listForEvent(eventId);
      // A row another version wrote shows no model column rather than failing the review.
      const evidence = analysis ? readStoredEvidence(analysis.result).value : null;
      const reading = evidence ? modelReading(evidence.expression) : null;
      return {
        event,
        clip: await w.clips.require(event.clipId),
        inReview: decisions.size > 0,
        labels: (await w.annotations.listForEvent(eventId)).map((annotation) => ({ annotation, review: decisions.get(annotation.id) ?? null })),
        model:
          analysis && reading
            ? { analysisId: analysis.id, createdAt: analysis.createdAt, aus: reading.aus || null, emotion: reading.emotion, label3: reading.label3, description: reading.description, flowModel: analysisFlowModel(analysis.models) }
            : null,
      };
    },
    'review.decide': async ({ annotationId, decision, comment, baseVersion }) => {
      const who = await reviewer();
      const w = ws();
      const current = await w.annotations.byId(annotationId);
      if (!current) throw new AppError('NOT_FOUND', `No annotation ${annotationId} in this workspace`);
      // A label changed since the reviewer saw it (withdrawn back to draft, say) is the store's conflict, with who and what.
      const seen = baseVersion === undefined || baseVersion === current.version;
      if (seen && current.status === 'draft') throw new AppError('INVALID_INPUT', `${current.annotator} has not submitted this label yet`);
      // The annotator sees the comment in Annotate: a request without one leaves them guessing.
      if (decision === 'request_changes' && !comment?.trim()) throw new AppError('INVALID_INPUT', `Say what ${current.annotator} should change: a request for changes needs a comment`);
      if (current.annotator === who.name) throw new AppError('FORBIDDEN', 'Reviewers do not sign off their own labels');
      const review = await w.annotations.review(annotationId, who.name, decision, comment, baseVersion ?? null);
      return { review, annotation: (await w.annotations.byId(annotationId)) ?? current };
    },
    'review.feedback': async ({ annotationId }) => {
      const w = ws();
      const annotation = await w.annotations.byId(annotationId);
      if (!annotation) throw new AppError('NOT_FOUND', `No annotation ${annotationId} in this workspace`);
      const me = await actor();
      if (annotation.annotator !== me && (await w.annotators.byName(me))?.role !== 'reviewer') {
        throw new AppError('FORBIDDEN', `Only ${annotation.annotator} and reviewers read the review of this label`);
      }
      return (await w.reviews.latestForEvent(annotation.eventId)).get(annotationId) ?? null;
    },
    'review.history': async ({ annotationId }) => {
      const w = ws();
      const annotation = await w.annotations.byId(annotationId);
      if (!annotation) throw new AppError('NOT_FOUND', `No annotation ${annotationId} in this workspace`);
      const me = await actor();
      if (annotation.annotator !== me && (await w.annotators.byName(me))?.role !== 'reviewer' && !(await w.reviews.inReview(annotation.eventId))) {
        throw new AppError('FORBIDDEN', 'Labelling is blind: this label is hidden until the event is in review');
      }
      return w.annotations.history(annotationId);
    },
    'agreement.compute': async ({ workspace, ignoreSide, includeDataset }) =>
      withWorkspace(workspace, async (w) => agreementSummary(await codedEventsFromStore(w, { datasetLabels: includeDataset }), { ignoreSide })),
  };
}
