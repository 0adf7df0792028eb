import { z } from 'zod';
import {
  ANNOTATOR_ROLES,
  AnnotationAuditSchema,
  AnnotationSchema,
  AnnotatorSchema,
  ClipSchema,
  LABELS3,
  MeEventSchema,
  REVIEW_DECISIONS,
  ReviewSchema,
} from '../workspace';
import { channel } from './channel';

const Id = z.number().int().positive();
const Name = z.string().trim().min(1).max(120);
/** Statistics may be undefined (NaN: no variation, no pairs); JSON carries that as null. */
const Stat = z.number().nullable();

export const ReviewQueueItemSchema = z.object({
  eventId: Id,
  clipId: Id,
  clipPath: z.string(),
  subject: z.string().nullable(),
  onset: z.number().int(),
  apex: z.number().int().nullable(),
  offset: z.number().int(),
  annotations: z.number().int(),
  submitted: z.number().int(),
  approved: z.number().int(),
});
export type ReviewQueueItem = z.infer<typeof ReviewQueueItemSchema>;

export const ModelLabelsSchema = z.object({
  analysisId: Id,
  createdAt: z.string(),
  aus: z.string().nullable(),
  emotion: z.string().nullable(),
  label3: z.enum(LABELS3).nullable(),
  description: z.string().nullable(),
  /** The onset → apex flow model the analysis ran with (analysisFlowModel). */
  flowModel: z.string().nullable(),
});

export const ReviewEventSchema = z.object({
  event: MeEventSchema,
  clip: ClipSchema,
  /** True once a reviewer decided on any label of the event: labelling is no longer blind. */
  inReview: z.boolean(),
  labels: z.array(z.object({ annotation: AnnotationSchema, review: ReviewSchema.nullable() })),
  model: ModelLabelsSchema.nullable(),
});
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;

const AlphaSchema = z.object({ alpha: Stat, units: z.number().int() });
/** `auEvents`: shared events where both coders gave their AUs (neither wrote `?`), the n of the AU figures. */
const FiguresSchema = z.object({ sharedEvents: z.number().int(), auEvents: z.number().int(), facsRatio: Stat, auF1: Stat, meanIoU: Stat, spottingF1: Stat });

export const AgreementSummarySchema = FiguresSchema.extend({
  /** How AU codes were compared (sides, alternatives, refs, `?`, AD codes, notes), in English. */
  auRule: z.string(),
  coders: z.array(z.string()),
  events: z.number().int(),
  emotionAlpha: AlphaSchema,
  label3Alpha: AlphaSchema,
  pairs: z.array(FiguresSchema.extend({ coderA: z.string(), coderB: z.string(), emotionKappa: Stat, label3Kappa: Stat })),
  perAu: z.array(z.object({ au: z.string(), alpha: Stat, ratio: Stat, scored: z.number().int() })),
  /** The full long-format table (agreementToCsv), for download. */
  csv: z.string(),
});
export type AgreementSummary = z.infer<typeof AgreementSummarySchema>;

/** Annotator profiles, review of submitted labels and inter-coder agreement (export: ./export.ts). */
export const reviewChannels = {
  'annotators.list': channel(z.object({}).strict(), z.array(AnnotatorSchema)),
  'annotators.create': channel(z.object({ name: Name, role: z.enum(ANNOTATOR_ROLES) }).strict(), AnnotatorSchema),
  'annotators.update': channel(z.object({ id: Id, name: Name.optional(), role: z.enum(ANNOTATOR_ROLES).optional() }).strict(), AnnotatorSchema),
  'review.queue': channel(
    z.object({ limit: z.number().int().positive().max(10_000).default(500), offset: z.number().int().nonnegative().default(0) }).strict(),
    z.array(ReviewQueueItemSchema),
  ),
  'review.event': channel(z.object({ eventId: Id }).strict(), ReviewEventSchema),
  'review.decide': channel(
    z
      .object({
        annotationId: Id,
        decision: z.enum(REVIEW_DECISIONS),
        comment: z.string().max(5_000).default(''),
        /** The label's version the reviewer was shown: a label changed since is refused (EDIT_CONFLICT), not decided unseen. */
        baseVersion: z.number().int().positive().optional(),
      })
      .strict(),
    z.object({ review: ReviewSchema, annotation: AnnotationSchema }),
  ),
  /** The newest decision on one label, for its annotator (the reviewer's comment) and reviewers. */
  'review.feedback': channel(z.object({ annotationId: Id }).strict(), ReviewSchema.nullable()),
  'review.history': channel(z.object({ annotationId: Id }).strict(), z.array(AnnotationAuditSchema)),
  'agreement.compute': channel(
    z
      .object({
        /** Another workspace file (read without becoming the open one); the open workspace when absent. */
        workspace: z.string().min(1).max(4096).optional(),
        ignoreSide: z.boolean().default(false),
        /** Count the dataset sheet's labels as one more coder. */
        includeDataset: z.boolean().default(false),
      })
      .strict(),
    AgreementSummarySchema,
  ),
};
