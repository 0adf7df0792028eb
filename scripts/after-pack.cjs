// electron-builder afterPack hook: the packaged better-sqlite3 gets the Electron-ABI binding
// scripts/electron-sqlite.js prepared (scripts/dist.js runs it first), in place of the Node
// build copied from node_modules. That binding is built for this machine's platform and
// arch, so installers for another platform are built on that platform.
const { copyFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const ARCHES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

exports.default = async function afterPack(context) {
  const binding = process.env.MELLM_ELECTRON_SQLITE_BINDING;
  const arch = ARCHES[context.arch] ?? String(context.arch);
  if (context.electronPlatformName !== process.platform || arch !== process.arch) {
    throw new Error(`better-sqlite3's Electron binding is built for ${process.platform}-${process.arch}: build the ${context.electronPlatformName}-${arch} installer on that platform`);
  }
  if (!binding || !existsSync(binding)) throw new Error('better-sqlite3 has no Electron binding: run npm run dist (it prepares one)');
  const resources = context.electronPlatformName === 'darwin'
    ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(context.appOutDir, 'resources');
  const target = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(target)) throw new Error(`The package has no ${target}: check asarUnpack in electron-builder.yml`);
  copyFileSync(binding, target);
};
