/**
 * The single table of every channel between the renderer and the main process.
 * Both transports (Electron IPC and the loopback bridge) register the handlers for
 * exactly these names, and the renderer's client is typed from them. Each domain
 * keeps its channels in `api/<domain>.ts`; add the spread here.
 */
import type { z } from 'zod';
import { workspaceChannels } from './api/workspace';
import { appChannels } from './api/app';
import { appEvents } from './api/events';
import { analysisChannels } from './api/analysis';
import { jobChannels } from './api/jobs';
import { faceChannels } from './api/face';
import { llmChannels, llmEvents } from './api/llm';
import { mediaChannels } from './api/media';
import { flowChannels } from './api/flow';
import { reviewChannels } from './api/review';
import { evaluationChannels } from './api/evaluation';
import { filesChannels } from './api/files';
import { exportChannels } from './api/export';

export const channels = {
  ...workspaceChannels,
  ...appChannels,
  ...analysisChannels,
  ...jobChannels,
  ...faceChannels,
  ...llmChannels,
  ...mediaChannels,
  ...flowChannels,
  ...reviewChannels,
  ...evaluationChannels,
  ...filesChannels,
  ...exportChannels,
} as const;

export const events = {
  ...appEvents,
  ...llmEvents,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const isChannelName = (name: unknown): name is ChannelName =>
  typeof name === 'string' && Object.hasOwn(channels, name);

export * from './api/workspace';
export * from './api/app';
export * from './api/events';
export * from './api/analysis';
export * from './api/jobs';
export * from './api/face';
export * from './api/llm';
export * from './api/media';
export * from './media';
export * from './api/flow';
export * from './api/review';
export * from './api/files';
export * from './api/export';
export type { Result, ApiError } from './errors';
