export type { Services } from '../app/services';

export type Transport = 'ipc' | 'bridge' | 'direct';
