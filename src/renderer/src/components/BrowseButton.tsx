/**
 * "Browse…" beside a path field: the native dialog in the desktop app, the bridge's
 * file browser in a browser. The chosen path is written into the field; typing stays possible.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/backend';
import { filesApi, nativeDialogs, type PickRequest } from '../api/files';
import { FileBrowserDialog } from './FileBrowserDialog';

interface Props {
  readonly request: PickRequest;
  onPick(path: string): void;
  /** The field's current text: the browser starts there when it is a folder. */
  readonly current?: string;
  /** Button text key (default: files.browse). */
  readonly label?: string;
  /** Shown when the native dialog's answer is refused (outside the roots). */
  onError?(message: string): void;
  readonly disabled?: boolean;
}

/** The button text for a field that takes either a file or a folder tells which one it opens. */
const labelFor = (request: PickRequest) => (request.purpose === 'clip' ? 'files.browseFile' : request.purpose === 'frame-folder' ? 'files.browseFolder' : 'files.browse');

export function BrowseButton({ request, onPick, current, label, onError, disabled }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const start = current?.trim() ? current.trim().replace(/[\\/][^\\/]*\.[^\\/]*$/, '') : null;
  const click = () => {
    if (!nativeDialogs) return setOpen(true);
    filesApi.pick(request).then(
      (path) => path && onPick(path),
      (failure: unknown) => onError?.(errorMessage(failure)),
    );
  };
  return (
    <>
      <button type="button" className="browse" data-testid={`browse-${request.purpose}-${request.kind}`} disabled={disabled} onClick={click}>
        {t(label ?? labelFor(request))}
      </button>
      {open && (
        <FileBrowserDialog
          request={request}
          start={start}
          onClose={() => setOpen(false)}
          onPick={(path) => {
            setOpen(false);
            onPick(path);
          }}
        />
      )}
    </>
  );
}
