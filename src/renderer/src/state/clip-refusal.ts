/**
 * Main answers `media.open` once frame 0 decodes and checks the last frame after; a clip
 * that fails that check is closed in main and announced as `media.refused`. This hook
 * gives the reason for the clip on screen (null while it holds up), so the view says why
 * its frames stop and its saves are refused.
 */
import { useEffect, useState } from 'react';
import { MediaRefusedSchema } from '@shared/api/events';
import { api } from '../api/client';

export function useClipRefusal(clipId: string | null): string | null {
  const [reason, setReason] = useState<string | null>(null);
  useEffect(
    () =>
      clipId === null ? undefined : api.onByName('media.refused', (payload) => {
        const refused = MediaRefusedSchema.safeParse(payload);
        if (refused.success && refused.data.clipId === clipId) setReason(refused.data.message);
      }),
    [clipId],
  );
  return reason;
}
