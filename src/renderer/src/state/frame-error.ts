/** Why the frame route refused a frame, from its JSON error envelope (or its HTTP status when there is none). */
import { AppError, type ApiError } from '@shared/errors';

export async function frameRequestError(response: Response): Promise<AppError> {
  const body = (await response.json().catch(() => null)) as { error?: ApiError } | null;
  const error = body?.error;
  return error ? new AppError(error.code, error.message) : new AppError('MEDIA_UNREADABLE', `Frame request failed: HTTP ${response.status}`);
}
