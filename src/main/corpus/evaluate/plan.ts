import type { BootstrapTask } from './bootstrap';
import type { Estimate } from './types';

/**
 * A section of the report before its intervals: the bootstrap tasks it needs (over the
 * evaluation's events, one draw for all sections) and how it is finished from their
 * estimates (one list per task, in order).
 */
export interface SectionPlan<T> {
  readonly tasks: readonly BootstrapTask[];
  finish(estimates: readonly (readonly Estimate[])[]): T;
}
