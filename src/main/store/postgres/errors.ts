import { AppError, type ErrorCode } from '@shared/errors';

/**
 * What a PostgreSQL or connection error means for the user, as an AppError. Messages
 * name the workspace by its redacted URL only (never a password).
 */
const BY_SQLSTATE: ReadonlyArray<[RegExp, ErrorCode, string]> = [
  // Serialization failures, deadlocks, lock and statement timeouts: another workstation holds the rows.
  [/^(40001|40P01|55P03|57014)$/, 'BUSY', 'The workspace server is busy with another workstation’s change; try again'],
  [/^(28000|28P01)$/, 'UNAUTHORIZED', 'The server refused the login'],
  [/^42501$/, 'FORBIDDEN', 'Your database role may not do this'],
  [/^3D000$/, 'NOT_FOUND', 'No such database on the server'],
  [/^53100$/, 'DISK_FULL', 'The server’s disk is full'],
  [/^(08|57P)/, 'IO_ERROR', 'The connection to the workspace server was lost'],
  [/^23/, 'INVALID_INPUT', 'The workspace refused the change'],
];

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EACCES']);

export function pgAppError(error: unknown, location: string): AppError {
  if (error instanceof AppError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const { syscall, path } = error as { syscall?: unknown; path?: unknown };
  // pg reads sslrootcert, sslcert and sslkey when it connects.
  if (syscall === 'open' && typeof path === 'string') {
    return new AppError('INVALID_INPUT', `Cannot read ${path}, named in the workspace URL (${location}): ${text}`, { cause: error });
  }
  if (typeof code === 'string') {
    for (const [pattern, appCode, summary] of BY_SQLSTATE) {
      if (pattern.test(code)) return new AppError(appCode, `${summary} (${location}): ${text}`, { cause: error });
    }
    if (NETWORK.has(code)) return new AppError('IO_ERROR', `Cannot reach the workspace server (${location}): ${text}`, { cause: error });
  }
  // pg's own refusal when the server asks for a password and none was found (URL, PGPASSWORD, ~/.pgpass).
  if (/SASL|client password must be a string|password authentication/i.test(text)) {
    return new AppError('UNAUTHORIZED', `The server refused the login (${location}): it asks for a password; give it in PGPASSWORD or ~/.pgpass`, { cause: error });
  }
  if (/timeout|terminated|Connection/i.test(text)) return new AppError('IO_ERROR', `Cannot reach the workspace server (${location}): ${text}`, { cause: error });
  return new AppError('INTERNAL', `The workspace server failed (${location}): ${text}`, { cause: error });
}
