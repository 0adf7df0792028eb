import type { workspaceChannels } from '@shared/api';
import { AppError } from '@shared/errors';
import { openDemoCorpus } from '../app/demo-corpus';
import { commitImport, previewImport } from '../app/import';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';
import { visibleAnnotations } from './visibility';

export function workspaceHandlers(services: Services): Pick<HandlerTable, keyof typeof workspaceChannels> {
  const { workspaces } = services;
  const ws = () => workspaces.require();
  // Deletions are recorded under the acting profile; the store decides who may make them.
  const actor = async () => (await services.settings.get()).annotator;
  return {
    'workspace.create': async ({ path }) => workspaces.create(path),
    'workspace.open': async ({ path }) => workspaces.open(path),
    'workspace.close': async () => ({ closed: await workspaces.close() }),
    'workspace.info': async () => workspaces.info(),
    'workspace.recent': async () => workspaces.recent(),
    'workspace.openDemo': async () => openDemoCorpus(services, services.paths.userData),
    'clips.list': async (filter) => ws().clips.list(filter),
    'clips.add': async (clip) => ws().clips.add(clip),
    'clips.relink': async ({ sha256, path }) => ws().clips.relinkClip(sha256, path),
    'clips.setCaptureFps': async ({ id, captureFps }) => ws().clips.setCaptureFps(id, captureFps),
    'clips.delete': async ({ id }) => ws().clips.delete(id, await actor()),
    'clips.restore': async ({ id }) => ws().clips.restore(id, await actor()),
    'events.list': async ({ clipId }) => ws().events.listForClip((await ws().clips.require(clipId)).id),
    'events.create': async (event) => ws().events.create(event),
    'events.update': async (patch) => ws().events.update(patch),
    'events.delete': async ({ id }) => ws().events.delete(id, await actor()),
    'events.restore': async ({ id }) => ws().events.restore(id, await actor()),
    'annotations.get': async ({ eventId, annotator }) => {
      await ws().events.require(eventId);
      return visibleAnnotations(ws(), eventId, (await services.settings.get()).annotator, annotator);
    },
    'annotations.save': async (annotation) => {
      // Labels are saved under the acting profile only: nobody writes (or peeks) as someone else.
      const actor = (await services.settings.get()).annotator;
      if (annotation.annotator.trim() !== actor) {
        throw new AppError('FORBIDDEN', actor ? `You are working as ${actor}: labels are saved under your own name` : 'Set your annotator name in Settings first');
      }
      return ws().annotations.save(annotation);
    },
    'labels.worklist': async () => ws().reviews.worklist((await services.settings.get()).annotator),
    'import.preview': async (request) => previewImport(workspaces.current?.isOpen ? workspaces.current : null, request),
    'import.commit': async (request) => commitImport(ws(), request),
  };
}
