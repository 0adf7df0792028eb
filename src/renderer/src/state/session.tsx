/**
 * The app-wide session: the open workspace, the clip being annotated, the current view,
 * and the one EditSession holding every edit (so undo and autosave span clip switches).
 * Opening another clip or closing the window first flushes unsaved edits. The view, clip
 * and event are mirrored in the URL hash (state/route.ts), so a reload comes back to them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Clip, WorkspaceInfo } from '@shared/workspace';
import { errorMessage } from '../api/backend';
import { mediaApi, type OpenedMedia } from '../api/media';
import { askEarly } from './early-frame';
import { afterFirstFrame } from './first-frame';
import { fetchBitmap } from './frame-bitmap';
import { workspaceApi } from '../api/workspace';
import { SessionDeletions } from './deletions';
import { EditSession } from './edit-session';
import { identityOf, type Identity } from './identity';
import { QueueState } from './queue';
import { readUnsaved, writeUnsaved } from './unsaved-drafts';
import { formatRoute, type Route } from './route';
import { useSettings } from './settings';

export interface OpenClip {
  readonly path: string;
  readonly media: OpenedMedia;
  /** The workspace's clip row, when the clip belongs to the open workspace. */
  readonly stored: Clip | null;
  /** The event to select when the clip opens (else its first). */
  readonly event: number | null;
}

export interface OpenClipOptions {
  /** The event to select first. */
  readonly event?: number | null;
  /** Switch to Annotate (default true). */
  readonly show?: boolean;
}

interface SessionState {
  readonly view: string;
  setView(id: string): void;
  readonly workspace: WorkspaceInfo | null;
  setWorkspace(info: WorkspaceInfo | null): void;
  readonly clip: OpenClip | null;
  openClip(path: string, stored?: Clip | null, options?: OpenClipOptions): Promise<void>;
  /** Annotate reports the event it shows, for the address. */
  setShownEvent(id: number | null): void;
  readonly edits: EditSession;
  /** Deleting events and clips, as steps of the edits' undo history. */
  readonly deletions: SessionDeletions;
  /** The Corpus queue's filters and order, which Submit & next follows. */
  readonly queue: QueueState;
  /** Who works: the server's login role on a team server, else Settings' name (state/identity.ts). */
  readonly identity: Identity;
  /** `identity.name`: whose labels load and save. */
  readonly annotator: string;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children, initial }: { children: ReactNode; initial: Route }) {
  const { settings } = useSettings();
  const [view, showView] = useState(initial.view);
  // A view the user picks while a clip is still opening wins: the open does not pull them
  // back to Annotate when it lands (it still loads the clip there for later).
  const navigations = useRef(0);
  const setView = useCallback((id: string) => {
    navigations.current += 1;
    showView(id);
  }, []);
  const [workspace, setWorkspace] = useState<WorkspaceInfo | null>(null);
  const [clip, setClip] = useState<OpenClip | null>(null);
  const [shownEvent, setShownEvent] = useState<number | null>(null);
  const identity = useMemo(() => identityOf(workspace, settings?.annotator), [workspace, settings?.annotator]);
  const annotator = identity.name;

  const edits = useMemo(
    () =>
      new EditSession({
        saveMarkers: async (eventId, markers) => {
          await workspaceApi.updateEvent({ id: eventId, ...markers });
        },
        saveAnnotation: (eventId, name, draft, provenance, baseVersion, amend, status) =>
          workspaceApi.saveAnnotation({ eventId, annotator: name, ...draft, provenance, baseVersion, amend, status }),
      }),
    [],
  );
  const deletions = useMemo(
    () =>
      new SessionDeletions(
        edits.history,
        {
          flush: () => edits.flush(),
          deleteEvent: workspaceApi.deleteEvent,
          restoreEvent: workspaceApi.restoreEvent,
          deleteClip: workspaceApi.deleteClip,
          restoreClip: workspaceApi.restoreClip,
        },
        errorMessage,
      ),
    [edits],
  );

  const openClip = useCallback(
    async (path: string, stored: Clip | null = null, options: OpenClipOptions = {}) => {
      const navigated = navigations.current;
      await edits.flush();
      const media = await mediaApi.open(path, stored?.id);
      // Asked for before the view renders: the render runs while the frame travels.
      const show = options.show !== false && navigations.current === navigated;
      if (show && media.info.frames > 0) askEarly(mediaApi.frameUrl(media.clipId, 0), fetchBitmap);
      setClip({ path, media, stored, event: options.event ?? null });
      setShownEvent(null);
      if (show) showView('annotate');
    },
    [edits],
  );

  // Main keeps a workspace open across page reloads: adopt it, and reopen the clip the address names.
  useEffect(() => {
    workspaceApi.info().then(
      async (info) => {
        if (!info) return;
        setWorkspace(info);
        if (initial.clip === null) return;
        const stored = (await workspaceApi.listClips()).find((c) => c.id === initial.clip);
        if (stored) await openClip(stored.path, stored, { event: initial.event, show: false });
      },
      () => undefined,
    );
    // Once, for the address the page was loaded with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const clipId = clip?.stored?.id ?? null;
  // After a clip's first frame is painted: replacing the address is a synchronous call to
  // the browser that would otherwise run between the view's first render and that paint.
  useEffect(
    () =>
      afterFirstFrame(() => {
        const hash = formatRoute({ view, clip: clipId, event: shownEvent });
        if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
      }),
    [view, clipId, shownEvent],
  );

  // Saves run later than edits: they use the name current at save time.
  useEffect(() => {
    edits.setAnnotator(annotator);
  }, [edits, annotator]);

  // Unsaved labels live in this tab's sessionStorage too, per workspace and annotator, so a
  // reload restores them (with a notice) instead of dropping them.
  const workspacePath = workspace?.path ?? null;
  useEffect(() => {
    if (!workspacePath || !annotator) return;
    const scope = `${workspacePath}\n${annotator}`;
    edits.setRecovery({ read: (eventId) => readUnsaved(sessionStorage, scope, eventId), write: (states) => writeUnsaved(sessionStorage, scope, states) });
    return () => edits.setRecovery(null);
  }, [edits, workspacePath, annotator]);

  // Never lose edits on window close: flush synchronously-started saves (keepalive requests),
  // and ask before leaving while anything is unsaved (waiting, retrying or in conflict).
  useEffect(() => {
    const flush = () => void edits.flush();
    const ask = (event: BeforeUnloadEvent) => {
      const unsaved = edits.saver.unsavedKeys().length > 0;
      flush();
      if (!unsaved) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('beforeunload', ask);
      window.removeEventListener('pagehide', flush);
    };
  }, [edits]);

  const queue = useMemo(() => new QueueState(), []);

  const value: SessionState = { view, setView, workspace, setWorkspace, clip, openClip, setShownEvent, edits, deletions, identity, annotator, queue };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** Who works now (state/identity.ts). */
export function useIdentity(): Identity {
  return useSession().identity;
}
