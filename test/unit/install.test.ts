import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('npm ci in this project', () => {
  it('npm reads the project configuration without a warning', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
    const run = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: ROOT, encoding: 'utf8', env });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/npm warn/i);
  });

  it('skips onnxruntime-node’s install script, which only fetches CUDA libraries from outside the npm registry', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    // The CPU execution provider ships inside the package, so inference works without that script.
    const run = spawnSync(process.execPath, ['-e', "require('onnxruntime-node').listSupportedBackends().forEach((b) => console.log(b.name))"], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout.split('\n')).toContain('cpu');
  });
});
