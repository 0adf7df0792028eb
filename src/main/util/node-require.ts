import { createRequire } from 'node:module';

/**
 * CommonJS require for ESM modules: package.json files, optional packages resolved at
 * run time (ffmpeg-static), and package directories of model files.
 */
export const nodeRequire = createRequire(import.meta.url);
