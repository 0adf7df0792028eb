#!/usr/bin/env node
// Thin launcher: the CLI is built with the app (`npm run build`) into out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('mellm: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
