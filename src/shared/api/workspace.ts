import { AdoptReportSchema } from '../media-roots';
import { z } from 'zod';
import { ImportReportSchema, ImportRequestSchema } from '../corpus-import';
import {
  AnnotationInputSchema,
  AnnotationSchema,
  CaptureFpsSchema,
  ClipFilterSchema,
  ClipSchema,
  DeletionAuditSchema,
  EventPatchSchema,
  MeEventSchema,
  NewClipSchema,
  NewEventSchema,
  RelinkSchema,
  WorkspaceInfoSchema,
} from '../workspace';
import { WorklistRowSchema } from '../worklist';
import { channel } from './channel';

const PathInput = z.object({ path: z.string().min(1) }).strict();
const Empty = z.object({}).strict();
const ById = z.object({ id: z.number().int().positive() }).strict();

export const RecentWorkspaceSchema = z.object({ path: z.string(), openedAt: z.string() });

/** Workspaces (one SQLite file per corpus), their clips, events, annotations and imports. */
export const workspaceChannels = {
  'workspace.create': channel(PathInput, WorkspaceInfoSchema),
  'workspace.open': channel(PathInput, WorkspaceInfoSchema),
  'workspace.close': channel(Empty, z.object({ closed: z.boolean() })),
  'workspace.info': channel(Empty, WorkspaceInfoSchema.nullable()),
  'workspace.recent': channel(Empty, z.array(RecentWorkspaceSchema)),
  /** The demo corpus in the user-data folder, generated on first use (as `mellm synth --demo`), then opened. */
  'workspace.openDemo': channel(Empty, WorkspaceInfoSchema),
  'clips.list': channel(ClipFilterSchema, z.array(ClipSchema)),
  'clips.add': channel(NewClipSchema.strict(), ClipSchema),
  'clips.relink': channel(RelinkSchema, ClipSchema),
  /** The rate the clip was filmed at (null: the container's); it decides durations in ms and the micro / macro class. */
  'clips.setCaptureFps': channel(z.object({ id: z.number().int().positive(), captureFps: CaptureFpsSchema.nullable() }).strict(), ClipSchema),
  /** Soft delete under the acting profile (undone by clips.restore); its events go with it. */
  'clips.delete': channel(ById, DeletionAuditSchema),
  'clips.restore': channel(ById, ClipSchema),
  /** Stores, for every clip under one of this workstation's media roots, its root and path inside it. */
  'clips.adoptMediaRoots': channel(Empty, AdoptReportSchema),
  'events.list': channel(z.object({ clipId: z.number().int().positive() }).strict(), z.array(MeEventSchema)),
  'events.create': channel(NewEventSchema, MeEventSchema),
  'events.update': channel(EventPatchSchema, MeEventSchema),
  /** Soft delete under the acting profile (undone by events.restore); an approved label needs a reviewer. */
  'events.delete': channel(ById, DeletionAuditSchema),
  'events.restore': channel(ById, MeEventSchema),
  /** The labels holding someone's work on the event (see shared/label-work.ts), counted for everyone, named for nobody. */
  'events.labelCount': channel(ById, z.object({ own: z.number().int().min(0), others: z.number().int().min(0) })),
  'annotations.get': channel(
    z.object({ eventId: z.number().int().positive(), annotator: z.string().optional() }).strict(),
    z.array(AnnotationSchema),
  ),
  'annotations.save': channel(AnnotationInputSchema, AnnotationSchema),
  /** The acting annotator's worklist: every event with their own label status (see shared/worklist.ts). */
  'labels.worklist': channel(Empty, z.array(WorklistRowSchema)),
  'import.preview': channel(ImportRequestSchema, ImportReportSchema),
  'import.commit': channel(ImportRequestSchema, ImportReportSchema),
};
