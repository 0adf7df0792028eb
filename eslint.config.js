import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import js from '@eslint/js';
import i18next from 'eslint-plugin-i18next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON = { name: 'electron', message: 'Only src/main/index.ts, src/main/transport/ipc.ts and src/preload may import electron.' };

/**
 * The layers of src/main (docs/architecture.md): each folder may import only the ones
 * below it. Domain folders work on plain data; app/ is the one layer that joins the
 * store, the jobs, settings and events with the domain.
 */
const ORCHESTRATION = ['store', 'jobs', 'api', 'transport', 'app', 'cli', 'settings', 'doctor', 'serve', 'index'];
export const LAYERS = {
  analysis: ORCHESTRATION,
  inference: ORCHESTRATION,
  media: ORCHESTRATION,
  corpus: ORCHESTRATION,
  util: [...ORCHESTRATION, 'analysis', 'inference', 'media', 'corpus'],
  store: ['jobs', 'api', 'transport', 'app', 'cli', 'settings', 'analysis', 'inference', 'media', 'corpus'],
  jobs: ['store', 'api', 'transport', 'app', 'cli', 'settings'],
  app: ['api', 'transport', 'cli'],
  api: ['transport', 'cli'],
};

const MAIN = resolve(import.meta.dirname, 'src/main');

/** The top folder (or root file) of src/main that a path lies in, or null outside it. */
function layerOf(file) {
  const rel = relative(MAIN, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const [first, ...rest] = rel.split(sep);
  return rest.length ? first : first.replace(/\.tsx?$/, '');
}

/** Resolves every relative import and refuses one that points up the layers. */
const layersPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const from = layerOf(context.filename);
        const forbidden = from ? LAYERS[from] : undefined;
        if (!forbidden) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const to = layerOf(resolve(dirname(context.filename), spec));
          if (to && to !== from && forbidden.includes(to)) {
            context.report({ node, message: `src/main/${from} sits below ${to}: hand it plain data or an interface instead (docs/architecture.md).` });
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'models/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [ELECTRON] }],
    },
  },
  {
    // electron-builder loads its hooks with require().
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': 'error' },
  },
  {
    files: ['src/main/index.ts', 'src/main/transport/ipc.ts', 'src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, i18next },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Every user-visible string lives in the en / zh-CN resource files.
      'i18next/no-literal-string': ['error', { mode: 'jsx-only' }],
    },
  },
);
