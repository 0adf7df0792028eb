import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '@shared/api';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Fan-out of main → renderer events; each transport subscribes once. */
export class EventHub {
  readonly #emitter = new EventEmitter();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.#emitter.emit('event', name, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
