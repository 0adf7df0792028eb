/**
 * The save status in the toolbar. Every status text (in the current language) is laid
 * into the same grid cell and all but the current one are hidden, so the box is always as
 * wide as the longest text and the toolbar never reflows as the status changes. While a
 * transient failure waits for its retry, the seconds left count down.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaveStatus as Status } from '../state/autosave';

export type SaveLabel = Exclude<Status, 'idle'> | 'local' | 'clean';
const LABELS: readonly SaveLabel[] = ['pending', 'saving', 'saved', 'retrying', 'conflict', 'error', 'local', 'clean'];
/** The longest countdown shown (the back-off's cap): reserves its width. */
const WIDEST_SECONDS = 30;

function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

export function SaveStatus({ status, error, retryAt }: { status: SaveLabel; error: string | null; retryAt: number | null }) {
  const { t } = useTranslation();
  const seconds = useSecondsUntil(status === 'retrying' ? retryAt : null);
  const text = (label: SaveLabel, s: number) => t(`annotate.save.${label}`, { seconds: s });
  return (
    <span className="save-status-box">
      <span className={`save-status save-${status}`} data-testid="save-status" data-status={status} role="status" title={error ?? ''}>
        {text(status, seconds)}
      </span>
      {LABELS.map((label) => (
        <span key={label} className="save-status save-status-reserve" aria-hidden="true">
          {text(label, WIDEST_SECONDS)}
        </span>
      ))}
    </span>
  );
}
