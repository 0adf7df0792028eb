/**
 * The browser's file picker: folders and files the bridge lists (files.list), limited to
 * the allowed roots. The bridge resolves every path (links followed) and refuses `..`
 * and anything outside the roots; the refusal is shown here and nothing is picked.
 */
import { useCallback, useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { FolderEntry } from '@shared/api';
import { errorMessage } from '../api/backend';
import { filesApi, type FolderListing, type PickRequest } from '../api/files';

interface Props {
  readonly request: PickRequest;
  /** Where to start (a path typed in the field, when it is a folder inside the roots). */
  readonly start?: string | null;
  onPick(path: string): void;
  onClose(): void;
}

export function FileBrowserDialog({ request, start, onPick, onClose }: Props) {
  const { t } = useTranslation();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [location, setLocation] = useState('');
  const [selected, setSelected] = useState<FolderEntry | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const go = useCallback(
    (path: string | null) => {
      setBusy(true);
      setError(null);
      filesApi.list(path, request.filters).then(
        (next) => {
          setListing(next);
          setLocation(next.path ?? '');
          setSelected(null);
          setBusy(false);
        },
        (failure: unknown) => {
          setError(errorMessage(failure));
          setBusy(false);
        },
      );
    },
    [request.filters],
  );

  useEffect(() => {
    filesApi.list(start ?? null, request.filters).then(
      (first) => {
        setListing(first);
        setLocation(first.path ?? '');
      },
      () => go(null),
    );
  }, [go, start, request.filters]);

  const folderMode = request.kind === 'open-folder';
  const saveMode = request.kind === 'save-file';
  const here = listing?.path ?? null;
  const chosen = saveMode ? (here && name.trim() ? `${here}${listing?.separator ?? '/'}${name.trim()}` : null) : folderMode ? (selected?.kind === 'folder' ? selected.path : here) : selected?.kind === 'file' ? selected.path : null;
  const pick = (path: string) => {
    setError(null);
    filesApi.resolve(path, request.kind).then(onPick, (failure: unknown) => setError(errorMessage(failure)));
  };
  const choose = () => {
    if (chosen) pick(chosen);
  };
  const open = (entry: FolderEntry) => {
    if (entry.kind === 'folder') go(entry.path);
    else if (!folderMode) pick(entry.path);
  };

  // A portal: the fields that open the dialog sit in forms, and forms must not nest.
  return createPortal(
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="file-browser-title" data-testid="file-browser" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <div className="overlay-card file-browser">
        <header>
          <h2 id="file-browser-title">{t(`files.purposes.${request.purpose}`)}</h2>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </header>
        <div className="inline-form browse-location">
          <button type="button" data-testid="browse-up" disabled={busy || !listing || listing.path === null} onClick={() => go(listing?.parent ?? null)}>
            {t('files.up')}
          </button>
          <label>
            <span className="visually-hidden">{t('files.location')}</span>
            <input
              name="browse-location"
              aria-label={t('files.location')}
              value={location}
              placeholder={t('files.roots')}
              onChange={(event) => setLocation(event.target.value)}
              onKeyDown={(event) => {
                if (event.key !== 'Enter') return;
                event.preventDefault();
                go(location.trim() || null);
              }}
              spellCheck={false}
            />
          </label>
          <button type="button" disabled={busy} onClick={() => go(location.trim() || null)}>
            {t('files.go')}
          </button>
        </div>
        {error && (
          <p role="alert" className="error" data-testid="browse-error">
            {error}
          </p>
        )}
        <ul className="browse-entries" aria-label={here ?? t('files.roots')} data-testid="browse-entries">
          {listing?.entries.map((entry) => (
            <li key={entry.path}>
              <button
                type="button"
                className={`browse-entry ${entry.kind}`}
                data-testid="browse-entry"
                data-name={entry.name}
                aria-pressed={selected?.path === entry.path}
                disabled={folderMode && entry.kind === 'file'}
                onClick={() => (entry.kind === 'folder' && !folderMode ? go(entry.path) : setSelected(entry))}
                onDoubleClick={() => open(entry)}
              >
                {entry.name}
                {entry.kind === 'folder' && <span aria-hidden="true">/</span>}
              </button>
            </li>
          ))}
          {listing && !listing.entries.length && <li className="muted">{t('files.empty')}</li>}
        </ul>
        {listing?.truncated && <p className="muted">{t('files.truncated', { count: listing.entries.length })}</p>}
        {folderMode && <p className="muted">{t('files.folderHint')}</p>}
        <div className="inline-form browse-actions">
          {saveMode && (
            <label>
              <span>{t('files.fileName')}</span>
              <input name="browse-file-name" value={name} onChange={(event) => setName(event.target.value)} onKeyDown={(event) => event.key === 'Enter' && choose()} spellCheck={false} />
            </label>
          )}
          <span className="browse-chosen" title={chosen ?? undefined}>
            {chosen ?? ''}
          </span>
          <button type="button" data-testid="browse-choose" disabled={!chosen || busy} onClick={choose}>
            {t(saveMode ? 'files.saveHere' : folderMode ? 'files.chooseFolder' : 'files.chooseFile')}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
