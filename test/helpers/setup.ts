import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Tests never touch the user's real settings or workspaces: each test file gets its own
// home, removed after it. A worker runs several files in one process, so a home this setup
// made (MELLM_TEST_HOME) is replaced rather than inherited; a MELLM_HOME set by the caller is kept.
if (process.env.MELLM_HOME === undefined || process.env.MELLM_HOME === process.env.MELLM_TEST_HOME) {
  const home = mkdtempSync(join(tmpdir(), 'mellm-home-'));
  process.env.MELLM_HOME = home;
  process.env.MELLM_TEST_HOME = home;
  afterAll(() => rmSync(home, { recursive: true, force: true }));
}
