import { channels, isChannelName, type ChannelName, type ChannelInput, type ChannelOutput } from '@shared/api';
import { AppError, issuesFromZod, type Result } from '@shared/errors';
import type { Transport } from './context';
import { fromSystemError } from '../util/system-errors';

export type Handler<C extends ChannelName> = (input: ChannelInput<C>, meta: CallMeta) => Promise<ChannelOutput<C>>;
export type HandlerTable = { [C in ChannelName]: Handler<C> };

export interface CallMeta {
  readonly transport: Transport;
  /** Aborted when the caller goes away (socket closed, window destroyed). */
  readonly signal?: AbortSignal;
}

/**
 * The one entry point both transports call: validates the payload against the
 * channel's schema, runs the handler and checks its answer. Never throws: every
 * failure becomes a typed error in the result envelope.
 */
export async function dispatch(table: HandlerTable, name: unknown, payload: unknown, meta: CallMeta): Promise<Result<unknown>> {
  try {
    if (!isChannelName(name)) {
      throw new AppError('UNKNOWN_CHANNEL', `Unknown channel: ${describe(name)}`);
    }
    const spec = channels[name];
    const input = spec.input.safeParse(payload ?? {});
    if (!input.success) {
      const issues = issuesFromZod(input.error);
      const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new AppError('INVALID_INPUT', `Invalid input for ${name}: ${detail}`, { issues });
    }
    const handler = table[name] as (input: unknown, meta: CallMeta) => Promise<unknown>;
    const output = spec.output.safeParse(await handler(input.data, meta));
    if (!output.success) {
      throw new AppError('INVALID_OUTPUT', `Handler for ${name} returned an invalid answer`, {
        issues: issuesFromZod(output.error),
      });
    }
    return { ok: true, data: output.data };
  } catch (error) {
    return { ok: false, error: AppError.from(fromSystemError(error)).toJSON() };
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
