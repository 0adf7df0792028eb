/**
 * Opens a workspace through the real handler table and prints `RESULT <json>` (the
 * dispatch envelope). With `hold`, keeps it open until a line arrives on stdin.
 * argv: <workspace> <userData> [hold]
 */
import { createHandlerTable, dispatch } from '../../../src/main/api';
import { createServices } from '../../../src/main/app/services';

const [workspace, userDataDir, hold] = process.argv.slice(2);
if (!workspace || !userDataDir) throw new Error('usage: open.ts <workspace> <userData> [hold]');
const table = createHandlerTable(createServices({ userDataDir }));
const result = await dispatch(table, 'workspace.open', { path: workspace }, { transport: 'direct' });
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
if (hold === 'hold' && result.ok) {
  await new Promise((go) => process.stdin.once('data', go));
  await dispatch(table, 'workspace.close', {}, { transport: 'direct' });
}
process.exit(0);
