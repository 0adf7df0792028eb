import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '@shared/api';
import { MAX_NEW_TOKENS_LIMIT, type Thinking } from '@shared/llm-generation';
import { api } from '../api/client';
import { useSettings } from '../state/settings';
import { BrowseButton } from '../components/BrowseButton';
import { LlmEstimate } from '../components/LlmEstimate';
import { PICKS } from '../api/files';

type Listing = ChannelOutput<'llm.list'>;
type Verification = ChannelOutput<'llm.verify'>;

const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Settings → Language model: the ONNX model folders, their verification, the active one, and how it generates. */
export function LanguageModelSection() {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  const [listing, setListing] = useState<Listing | null>(null);
  const [verified, setVerified] = useState<Record<string, Verification>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The cap last entered here: a refused entry falls back to it even before main's answer
  // to it has arrived (the stored cap in `settings` may still be the one before).
  const enteredCap = useRef<number | null>(null);
  useEffect(() => {
    enteredCap.current = null;
  }, [settings?.llmMaxNewTokens]);

  const refresh = useCallback(() => {
    api.call('llm.list', {}).then(setListing, (failure: Error) => setError(failure.message));
  }, []);
  useEffect(refresh, [refresh, settings?.llmFolders, settings?.activeLlm]);
  if (!settings) return null;

  const verify = async (folder: string) => {
    setBusy(folder);
    try {
      const result = await api.call('llm.verify', { folder });
      setVerified((v) => ({ ...v, [folder]: result }));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const add = async () => {
    const folder = path.trim();
    if (!folder || settings.llmFolders.includes(folder)) return;
    await update({ llmFolders: [...settings.llmFolders, folder] });
    setPath('');
  };
  const remove = (folder: string) =>
    update({
      llmFolders: settings.llmFolders.filter((f) => f !== folder),
      ...(settings.activeLlm === folder ? { activeLlm: null } : {}),
    });

  return (
    <section className="llm-settings" aria-labelledby="llm-title">
      <h2 id="llm-title">{t('llm.title')}</h2>
      <p>
        <small>{t('llm.hint')}</small>
      </p>
      {error && <p role="alert">{t('common.error', { message: error })}</p>}
      <ul className="llm-folders">
        {listing?.folders.length === 0 && <li>{t('llm.none')}</li>}
        {listing?.folders.map((entry) => {
          const check = verified[entry.folder];
          return (
            <li key={entry.folder}>
              <label>
                <input
                  type="radio"
                  name="activeLlm"
                  checked={settings.activeLlm === entry.folder}
                  disabled={!entry.present || entry.error !== null}
                  onChange={() => void update({ activeLlm: entry.folder })}
                />
                <code>{entry.folder}</code>
              </label>{' '}
              {entry.error ? (
                <span className="error">{entry.error}</span>
              ) : (
                <span>{t('llm.details', { type: entry.modelType ?? '?', quantization: entry.quantization, mb: megabytes(entry.bytes) })}</span>
              )}{' '}
              <button type="button" disabled={busy !== null} onClick={() => void verify(entry.folder)}>
                {busy === entry.folder ? t('llm.verifying') : t('llm.verify')}
              </button>{' '}
              {settings.llmFolders.includes(entry.folder) && (
                <button type="button" onClick={() => void remove(entry.folder)}>
                  {t('llm.remove')}
                </button>
              )}
              {check && (
                <div role="status">
                  {check.ok
                    ? t(check.matchesRecord === null ? 'llm.verifiedFirst' : 'llm.verifiedSame', { files: t('counts.files', { count: check.files.length }) })
                    : t('llm.verifyFailed', { message: check.error?.message ?? '' })}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <label>
          <span>{t('llm.addFolder')}</span>
          <input name="llmFolder" value={path} placeholder={t('llm.folderPlaceholder')} onChange={(event) => setPath(event.target.value)} />
        </label>
        <BrowseButton request={PICKS.modelFolder} current={path} onPick={setPath} />
        <button type="submit" disabled={!path.trim()}>
          {t('llm.add')}
        </button>
      </form>
      <form className="form" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t('llm.thinking')}</span>
          <select
            name="llmThinking"
            value={THINKING_CHOICES.find((choice) => choice.value === settings.llmThinking)?.key}
            onChange={(event) => void update({ llmThinking: THINKING_CHOICES.find((choice) => choice.key === event.target.value)?.value ?? null })}
          >
            {THINKING_CHOICES.map((choice) => (
              <option key={choice.key} value={choice.key}>
                {t(`llm.thinkingChoices.${choice.key}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('llm.maxNewTokens')}</span>
          <input
            name="llmMaxNewTokens"
            type="number"
            min={1}
            max={MAX_NEW_TOKENS_LIMIT}
            defaultValue={settings.llmMaxNewTokens}
            onBlur={(event) => {
              const next = Math.round(Number(event.target.value));
              if (next >= 1 && next <= MAX_NEW_TOKENS_LIMIT) {
                enteredCap.current = next;
                void update({ llmMaxNewTokens: next });
              }
              // Out of range: the stored cap stays, and the field shows it again.
              else event.target.value = String(enteredCap.current ?? settings.llmMaxNewTokens);
            }}
          />
          <small>{t('llm.maxNewTokensHint')}</small>
        </label>
      </form>
      <LlmEstimate calibrate />
    </section>
  );
}

/** The thinking setting's three states: the chat template's default (null), on, off. */
const THINKING_CHOICES: ReadonlyArray<{ readonly key: 'template' | 'on' | 'off'; readonly value: Thinking }> = [
  { key: 'template', value: null },
  { key: 'on', value: true },
  { key: 'off', value: false },
];
