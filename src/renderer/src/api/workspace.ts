/**
 * Workspace, clip, event and annotation calls (the store's channels). Shapes follow
 * src/shared/workspace.ts; channel names and inputs are those of the store issue:
 *   workspace.create|open {path} → WorkspaceInfo, workspace.close {}, workspace.info {} → WorkspaceInfo | null,
 *   workspace.recent {} → {path, openedAt}[], clips.list ClipFilter → Clip[], clips.add {path} → Clip,
 *   events.list {clipId} → MeEvent[], events.create NewEvent → MeEvent, events.update EventPatch → MeEvent,
 *   annotations.get {eventId, annotator} → Annotation | null, annotations.save AnnotationInput → Annotation,
 *   import.preview / import.commit {sheet, root, dataset} → ImportPreview.
 */
import type { Annotation, AnnotationInput, Clip, ClipFilter, EventPatch, MeEvent, NewEvent, WorkspaceInfo } from '@shared/workspace';
import { callChannel, hasChannel } from './backend';

export interface RecentWorkspace {
  readonly path: string;
  readonly openedAt: string;
}

export interface ImportProblem {
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

export interface ImportPreview {
  readonly rows: number;
  readonly events: number;
  readonly clips: number;
  readonly problems: readonly ImportProblem[];
}

export interface ImportRequest {
  readonly sheet: string;
  readonly root: string;
  readonly dataset: string;
  readonly skipFlagged?: boolean;
}

export const workspaceApi = {
  available: () => hasChannel('workspace.open'),
  create: (path: string) => callChannel<WorkspaceInfo>('workspace.create', { path }),
  open: (path: string) => callChannel<WorkspaceInfo>('workspace.open', { path }),
  close: () => callChannel<unknown>('workspace.close', {}),
  info: () => callChannel<WorkspaceInfo | null>('workspace.info', {}),
  recent: () => callChannel<RecentWorkspace[]>('workspace.recent', {}),
  listClips: (filter: ClipFilter = {}) => callChannel<Clip[]>('clips.list', filter),
  addClip: (path: string) => callChannel<Clip>('clips.add', { path }),
  listEvents: (clipId: number) => callChannel<MeEvent[]>('events.list', { clipId }),
  createEvent: (event: NewEvent) => callChannel<MeEvent>('events.create', event),
  updateEvent: (patch: EventPatch) => callChannel<MeEvent>('events.update', patch),
  getAnnotation: (eventId: number, annotator: string) => callChannel<Annotation | null>('annotations.get', { eventId, annotator }),
  saveAnnotation: (input: AnnotationInput) => callChannel<Annotation>('annotations.save', input),
  importAvailable: () => hasChannel('import.preview'),
  importPreview: (request: ImportRequest) => callChannel<ImportPreview>('import.preview', request),
  importCommit: (request: ImportRequest) => callChannel<ImportPreview>('import.commit', request),
};
