/**
 * Workspace, clip, event, annotation and import calls: the store's typed channels
 * (src/shared/api/workspace.ts). Adding a clip probes it through the media channel
 * first, because the store records frames, fps and size with the clip.
 */
import type { ImportReport, ImportRequest } from '@shared/corpus-import';
import type { Annotation, AnnotationInput, Clip, ClipFilter, EventPatch, NewEvent } from '@shared/workspace';
import { api } from './client';
import { mediaApi } from './media';

export type { ImportReport, ImportRequest };

export const workspaceApi = {
  create: (path: string) => api.call('workspace.create', { path }),
  open: (path: string) => api.call('workspace.open', { path }),
  close: () => api.call('workspace.close', {}),
  info: () => api.call('workspace.info', {}),
  recent: () => api.call('workspace.recent', {}),
  /** The demo corpus, generated on first use (about a minute), then opened. */
  openDemo: () => api.call('workspace.openDemo', {}),
  listClips: (filter: ClipFilter = {}) => api.call('clips.list', filter),
  /** Probes the media (media.open) and records it in the workspace; an already added path is reused. */
  async addClip(path: string): Promise<Clip> {
    const existing = (await api.call('clips.list', {})).find((clip) => clip.path === path);
    if (existing) return existing;
    const { info } = await mediaApi.open(path);
    return api.call('clips.add', { path, kind: info.kind, fps: info.fps, frames: info.frames, width: info.width, height: info.height });
  },
  listEvents: (clipId: number) => api.call('events.list', { clipId }),
  createEvent: (event: NewEvent) => api.call('events.create', event),
  updateEvent: (patch: EventPatch) => api.call('events.update', patch),
  deleteEvent: (id: number) => api.call('events.delete', { id }),
  restoreEvent: (id: number) => api.call('events.restore', { id }),
  /** The labels holding someone's work that deleting the event would take away. */
  labelCount: (id: number) => api.call('events.labelCount', { id }),
  deleteClip: (id: number) => api.call('clips.delete', { id }),
  /** The rate the clip was filmed at; null: its container's. */
  setCaptureFps: (id: number, captureFps: number | null) => api.call('clips.setCaptureFps', { id, captureFps }),
  restoreClip: (id: number) => api.call('clips.restore', { id }),
  async getAnnotation(eventId: number, annotator: string): Promise<Annotation | null> {
    return (await api.call('annotations.get', { eventId, annotator }))[0] ?? null;
  },
  saveAnnotation: (input: AnnotationInput) => api.call('annotations.save', input),
  /** The acting annotator's own label status for every event (Corpus queue, counts, Submit & next). */
  worklist: () => api.call('labels.worklist', {}),
  importPreview: (request: ImportRequest) => api.call('import.preview', request),
  importCommit: (request: ImportRequest) => api.call('import.commit', request),
};
