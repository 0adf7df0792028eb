/**
 * Drag-and-drop onto the Corpus page: dropped video files and frame folders are added
 * to the open workspace. Paths come from the preload (webUtils.getPathForFile); a
 * browser gives a dropped file no path, so there the page says to use Browse… instead.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/backend';
import { droppedPath } from '../api/files';
import { workspaceApi } from '../api/workspace';
import { ErrorLine } from './ErrorLine';

/** Clips added from one drop, at most: a drop of a whole disk is not a corpus. */
const MAX_DROPPED = 200;

export function ClipDrop({ onAdded }: { onAdded(): void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const over = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const drop = (event: DragEvent) => {
      const files = [...(event.dataTransfer?.files ?? [])].slice(0, MAX_DROPPED);
      if (!files.length) return;
      event.preventDefault();
      setError(null);
      const paths = files.map(droppedPath).filter((path): path is string => path !== null);
      if (!paths.length) return setError(t('corpus.dropNeedsDesktop'));
      const add = async () => {
        for (const path of paths) await workspaceApi.addClip(path);
      };
      add().then(
        () => {
          setNote(t('corpus.dropAdded', { count: paths.length }));
          onAdded();
        },
        (failure: unknown) => {
          setError(errorMessage(failure));
          onAdded();
        },
      );
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, [onAdded, t]);

  return (
    <div className="clip-drop" data-testid="clip-drop">
      <p className="muted">{note ?? t('corpus.dropHint')}</p>
      <ErrorLine message={error} />
    </div>
  );
}
