import { existsSync, readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const alias = { '@shared': resolve('src/shared') };

/** Job-process entries (src/main/jobs/workers/<name>.ts → out/main/<name>.js), see jobs/script.ts. */
const workersDir = resolve('src/main/jobs/workers');
const workerEntries = existsSync(workersDir)
  ? Object.fromEntries(
      readdirSync(workersDir)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => [basename(file, '.ts'), resolve(workersDir, file)]),
    )
  : {};

// main/ is built with several entries: the Electron shell plus the plain-Node entry
// points (CLI, loopback bridge, job processes) that share every service with it.
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
          serve: resolve('src/main/serve.ts'),
          ...workerEntries,
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      // Sandboxed preloads must be CommonJS and self-contained.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    resolve: { alias },
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
