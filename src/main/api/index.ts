import { appHandlers } from './app';
import { flowHandlers } from './flow';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

/** The handler table: one implementation per channel of shared/api.ts. */
export function createHandlerTable(services: Services): HandlerTable {
  return {
    ...appHandlers(services),
    ...flowHandlers(services),
  };
}

export { dispatch, type HandlerTable, type CallMeta } from './dispatch';
export type { Services, Transport } from './context';
