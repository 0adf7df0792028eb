/** Opens a clip (video file or frame folder) by path: into the workspace when one is open. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/backend';
import { workspaceApi } from '../api/workspace';
import { useSession } from '../state/session';
import { BrowseButton } from './BrowseButton';
import { ErrorLine } from './ErrorLine';
import { PICKS } from '../api/files';

export function OpenClipForm() {
  const { t } = useTranslation();
  const { workspace, openClip } = useSession();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const intoWorkspace = workspace !== null;

  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!path.trim()) return;
        setBusy(true);
        setError(null);
        const run = async () => {
          const stored = intoWorkspace ? await workspaceApi.addClip(path.trim()) : null;
          await openClip(path.trim(), stored);
        };
        run().then(
          () => setBusy(false),
          (failure: unknown) => {
            setBusy(false);
            setError(errorMessage(failure));
          },
        );
      }}
    >
      <label>
        <span>{intoWorkspace ? t('corpus.addClip') : t('annotate.openClip')}</span>
        <input name="clip-path" value={path} onChange={(event) => setPath(event.target.value)} placeholder={t('corpus.pathPlaceholder')} spellCheck={false} />
      </label>
      <BrowseButton request={PICKS.video} current={path} onPick={setPath} onError={setError} />
      <BrowseButton request={PICKS.frameFolder} current={path} onPick={setPath} onError={setError} />
      <button type="submit" disabled={busy || !path.trim()}>
        {busy ? t('common.loading') : intoWorkspace ? t('corpus.add') : t('annotate.open')}
      </button>
      <ErrorLine message={error} />
    </form>
  );
}
