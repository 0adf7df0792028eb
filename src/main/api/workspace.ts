import type { workspaceChannels } from '@shared/api';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function workspaceHandlers(services: Services): Pick<HandlerTable, keyof typeof workspaceChannels> {
  const { workspaces } = services;
  const ws = () => workspaces.require();
  return {
    'workspace.create': async ({ path }) => workspaces.create(path),
    'workspace.open': async ({ path }) => workspaces.open(path),
    'workspace.close': async () => ({ closed: workspaces.close() }),
    'workspace.info': async () => workspaces.info(),
    'workspace.recent': async () => workspaces.recent(),
    'clips.list': async (filter) => ws().clips.list(filter),
    'clips.add': async (clip) => ws().clips.add(clip),
    'clips.relink': async ({ sha256, path }) => ws().clips.relinkClip(sha256, path),
    'events.list': async ({ clipId }) => ws().events.listForClip(ws().clips.require(clipId).id),
    'events.create': async (event) => ws().events.create(event),
    'events.update': async (patch) => ws().events.update(patch),
    'annotations.get': async ({ eventId, annotator }) => {
      ws().events.require(eventId);
      if (annotator === undefined) return ws().annotations.listForEvent(eventId);
      const one = ws().annotations.get(eventId, annotator);
      return one ? [one] : [];
    },
    'annotations.save': async (annotation) => ws().annotations.save(annotation),
    'import.preview': async (request) => workspaces.previewImport(request),
    'import.commit': async (request) => workspaces.commitImport(request),
  };
}
