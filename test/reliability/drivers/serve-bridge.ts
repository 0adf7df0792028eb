/**
 * The real bridge over real services in its own process, for measuring it from outside
 * (its peak memory under hostile requests). Prints `READY <json>` with origin and token,
 * serves until stdin closes, then prints `RSS <peak resident set in KiB>`.
 * argv: <userData>
 */
import { startTestBridge } from '../../helpers/bridge';

const [userDataDir] = process.argv.slice(2);
if (!userDataDir) throw new Error('usage: serve-bridge.ts <userData>');
const { bridge } = await startTestBridge({ userDataDir });
process.stdout.write(`READY ${JSON.stringify({ origin: bridge.origin, token: bridge.token })}\n`);
process.stdin.resume();
await new Promise((done) => process.stdin.once('end', done));
await bridge.close();
process.stdout.write(`RSS ${process.resourceUsage().maxRSS}\n`);
process.exit(0);
