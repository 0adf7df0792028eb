import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Tests never touch the user's real settings or workspaces.
process.env.MELLM_HOME ??= mkdtempSync(join(tmpdir(), 'mellm-home-'));
