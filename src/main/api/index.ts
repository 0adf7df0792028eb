import { appHandlers } from './app';
import { analysisHandlers } from './analysis';
import { jobHandlers } from './jobs';
import { faceHandlers } from './face';
import { flowHandlers } from './flow';
import type { Services } from './context';
import { llmHandlers } from './llm';
import { mediaHandlers } from './media';
import { reviewHandlers } from './review';
import { exportHandlers } from './export';
import { evaluationHandlers } from './evaluation';
import type { HandlerTable } from './dispatch';
import { announceWrites } from './changes';
import { workspaceHandlers } from './workspace';
import { filesHandlers } from './files';

/** The handler table: one implementation per channel of shared/api.ts; writes to the workspace announce themselves. */
export function createHandlerTable(services: Services): HandlerTable {
  const table: HandlerTable = {
    ...workspaceHandlers(services),
    ...appHandlers(services),
    ...jobHandlers(services),
    ...faceHandlers(services),
    ...llmHandlers(services),
    ...mediaHandlers(services),
    ...flowHandlers(services),
    ...reviewHandlers(services),
    ...exportHandlers(services),
    ...analysisHandlers(services),
    ...evaluationHandlers(services),
    ...filesHandlers(services),
  };
  return announceWrites(table, services.events);
}

export { dispatch, type HandlerTable, type CallMeta } from './dispatch';
export type { Services, Transport } from './context';
