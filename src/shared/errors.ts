import { z } from 'zod';

/**
 * Error codes that cross process boundaries. Each domain adds its own; a code is a
 * stable identifier for tests and the UI, the message is for people.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  /** The service is at capacity for this kind of work right now; retry shortly. */
  'BUSY',
  'FFMPEG_NOT_FOUND',
  'MEDIA_UNREADABLE',
  'MODEL_MISSING',
  'MODEL_INVALID',
  'WORKSPACE_INVALID',
  'CANCELLED',
  'INSUFFICIENT_MEMORY',
  'INTERNAL',
  'EXPORT_PATH_UNSAFE',
  'EXPORT_TARGET_EXISTS',
  'WORKSPACE_LOCKED',
  'WORKSPACE_READONLY',
  'DISK_FULL',
  'IO_ERROR',
  'NO_FACE',
  /** A save built on a version someone else has since replaced; `detail` says what they changed. */
  'EDIT_CONFLICT',
  /** A clip's local copy is not the media the workspace holds (a different content hash). */
  'MEDIA_MISMATCH',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const IssueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof IssueSchema>;

export const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  issues: z.array(IssueSchema).optional(),
  /** Structured facts for the UI (e.g. an edit conflict); each code's reader validates its own shape. */
  detail: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** A typed error with a user-readable message. Thrown by services, serialised by transports. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[] | undefined;
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, options?: { issues?: Issue[]; cause?: unknown; detail?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = options?.issues;
    this.detail = options?.detail;
  }

  toJSON(): ApiError {
    const json: ApiError = { code: this.code, message: this.message };
    if (this.issues) json.issues = this.issues;
    if (this.detail !== undefined) json.detail = this.detail;
    return json;
  }

  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new AppError('INTERNAL', message, { cause: error });
  }
}

/** Turns zod issues into `field.path: message` pairs that name the offending field. */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** The envelope every transport returns: IPC and the bridge alike. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };
