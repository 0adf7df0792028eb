import { appHandlers } from './app';
import { faceHandlers } from './face';
import { flowHandlers } from './flow';
import type { Services } from './context';
import { mediaHandlers } from './media';
import { llmHandlers } from './llm';
import type { HandlerTable } from './dispatch';
import { workspaceHandlers } from './workspace';

/** The handler table: one implementation per channel of shared/api.ts. */
export function createHandlerTable(services: Services): HandlerTable {
  return {
    ...workspaceHandlers(services),
    ...appHandlers(services),
    ...mediaHandlers(services),
    ...faceHandlers(services),
    ...flowHandlers(services),
    ...llmHandlers(services),
  };
}

export { dispatch, type HandlerTable, type CallMeta } from './dispatch';
export type { Services, Transport } from './context';
