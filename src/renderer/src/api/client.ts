import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from '@shared/api';
import type { ApiError, Result } from '@shared/errors';

/** A failed call: the typed error main sent back. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly issues: ApiError['issues'];
  /** Structured facts for the UI (e.g. an edit conflict); read through the code's own schema. */
  readonly detail: unknown;
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.issues = error.issues;
    this.detail = error.detail;
  }
}

type Listener = (name: string, payload: unknown) => void;

interface Transport {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(listener: Listener): () => void;
}

/** Over the loopback bridge: same-origin POST /api/<channel>, events on /events (auth by cookie). */
function bridgeTransport(): Transport {
  const listeners = new Set<Listener>();
  let socket: WebSocket | null = null;
  const connect = () => {
    const url = new URL('/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onmessage = (message) => {
      const { event, payload } = JSON.parse(String(message.data)) as { event: string; payload: unknown };
      for (const listener of listeners) listener(event, payload);
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size) setTimeout(connect, 1000);
    };
  };
  return {
    async invoke(name, payload) {
      const response = await fetch(`/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload ?? {}),
        // Saves started by beforeunload must outlive the page.
        keepalive: true,
        credentials: 'same-origin',
      });
      return (await response.json()) as Result<unknown>;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => listeners.delete(listener);
    },
  };
}

const transport: Transport = window.mellm ?? bridgeTransport();

export const api = {
  transport: window.mellm ? ('ipc' as const) : ('bridge' as const),

  async call<C extends ChannelName>(name: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const result = await transport.invoke(name, input);
    if (!result.ok) throw new ApiCallError(result.error);
    return result.data as ChannelOutput<C>;
  },

  /**
   * A call by name for channels the renderer's adapters expect but this build may not
   * register yet (see api/backend.ts); main still validates input and output.
   */
  async callByName(name: string, input: unknown): Promise<unknown> {
    const result = await transport.invoke(name, input);
    if (!result.ok) throw new ApiCallError(result.error);
    return result.data;
  },

  /** Subscribes by name to events that may not be in this build's table yet. */
  onByName(name: string, listener: (payload: unknown) => void): () => void {
    return transport.subscribe((event, payload) => {
      if (event === name) listener(payload);
    });
  },

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return transport.subscribe((event, payload) => {
      if (event === name) listener(payload as EventPayload<E>);
    });
  },
};
