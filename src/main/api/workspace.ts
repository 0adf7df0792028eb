import type { workspaceChannels } from '@shared/api';
import { AppError } from '@shared/errors';
import { countWork } from '@shared/label-work';
import { openDemoCorpus } from '../app/demo-corpus';
import { adoptMediaRoots } from '../app/media-roots';
import { commitImport, mediaImportDeps, previewImport } from '../app/import';
import { actingName } from './actor';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';
import { visibleAnnotations } from './visibility';

export function workspaceHandlers(services: Services): Pick<HandlerTable, keyof typeof workspaceChannels> {
  const { workspaces } = services;
  const ws = () => workspaces.require();
  // Deletions are recorded under the acting profile; the store decides who may make them.
  const actor = () => actingName(services);
  return {
    'workspace.create': async ({ path }) => workspaces.create(path),
    'workspace.open': async ({ path }) => workspaces.open(path),
    'workspace.close': async () => ({ closed: await workspaces.close() }),
    'workspace.info': async () => workspaces.info(),
    'workspace.recent': async () => workspaces.recent(),
    'workspace.openDemo': async () => openDemoCorpus(services, services.paths.userData),
    // Each workstation sees a clip where its own media roots put it.
    'clips.list': async (filter) => Promise.all((await ws().clips.list(filter)).map((clip) => services.clipMedia.localize(clip))),
    // Writes that name a clip wait for its checks (ClipChecks): nothing is saved against an unreadable clip.
    'clips.add': async (clip) => {
      await services.clipChecks.path(clip.path);
      return ws().clips.add(clip);
    },
    'clips.relink': async ({ sha256, path }) => ws().clips.relinkClip(sha256, path),
    'clips.setCaptureFps': async ({ id, captureFps }) => {
      await services.clipChecks.clip(ws(), id);
      return ws().clips.setCaptureFps(id, captureFps);
    },
    'clips.delete': async ({ id }) => ws().clips.delete(id, await actor()),
    'clips.restore': async ({ id }) => services.clipMedia.localize(await ws().clips.restore(id, await actor())),
    'clips.adoptMediaRoots': async () => adoptMediaRoots(ws(), await services.clipMedia.roots()),
    'events.list': async ({ clipId }) => ws().events.listForClip((await ws().clips.require(clipId)).id),
    'events.create': async (event) => {
      await services.clipChecks.clip(ws(), event.clipId);
      return ws().events.create(event);
    },
    'events.update': async (patch) => {
      await services.clipChecks.event(ws(), patch.id);
      return ws().events.update(patch);
    },
    'events.delete': async ({ id }) => ws().events.delete(id, await actor()),
    'events.restore': async ({ id }) => ws().events.restore(id, await actor()),
    // Every annotator's labels are counted, blind or not: what a deletion would take away is not theirs to hide.
    'events.labelCount': async ({ id }) => {
      await ws().events.require(id);
      return countWork(await ws().annotations.listForEvent(id), ws().actingRole ?? (await actor()));
    },
    'annotations.get': async ({ eventId, annotator }) => {
      await ws().events.require(eventId);
      // On a server the app's own labels are the login role's: a client asking for its own by
      // Settings' name (as the editor does) gets them.
      const role = ws().actingRole;
      const mine = role && annotator !== undefined && annotator === (await services.settings.get()).annotator;
      return visibleAnnotations(ws(), eventId, await actor(), mine ? role : annotator);
    },
    'annotations.save': async (annotation) => {
      await services.clipChecks.event(ws(), annotation.eventId);
      // Labels are saved under the acting profile only: nobody writes (or peeks) as someone else.
      // On a server the label is the login role's, whatever name the client sent (the store records the role).
      if (ws().actingRole) return ws().annotations.save({ ...annotation, annotator: ws().actingRole as string });
      const name = await actor();
      if (annotation.annotator.trim() !== name) {
        throw new AppError('FORBIDDEN', name ? `You are working as ${name}: labels are saved under your own name` : 'Set your annotator name in Settings first');
      }
      return ws().annotations.save(annotation);
    },
    'labels.worklist': async () => ws().reviews.worklist(await actor()),
    'import.preview': async (request) => previewImport(workspaces.current?.isOpen ? workspaces.current : null, request),
    'import.commit': async (request) => commitImport(ws(), request, mediaImportDeps(services.clipMedia)),
  };
}
