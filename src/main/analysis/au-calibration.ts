import type { AuCalibration } from './au-table';

/** Placeholder until bench/fit/fit-au-rules.ts writes the fitted calibration. */
export const AU_CALIBRATION: AuCalibration = {};
