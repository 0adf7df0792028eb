/**
 * `npm run serve`: the renderer in a plain browser, backed by the same services as the
 * Electron app, over the loopback bridge. Prints the URL with its session token.
 */
import { parseArgs } from 'node:util';
import { createHandlerTable } from './api';
import { rendererDir } from './paths';
import { createServices, disposeServices } from './app/services';
import { startBridge } from './transport/bridge';
import { createRouter } from './transport/routes';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'user-data': { type: 'string' }, token: { type: 'string' } },
});
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`Invalid --port ${values.port}: use a number from 0 to 65535`);
  process.exit(2);
}
const services = createServices({ ...(values['user-data'] ? { userDataDir: values['user-data'] } : {}), spareDecoder: true });
const bridge = await startBridge({
  handlers: createHandlerTable(services),
  events: services.events,
  router: (connect) => createRouter({ rendererDir: rendererDir(), frames: () => services.frames, connect }),
  port,
  ...(values.token ? { token: values.token } : {}),
});
console.log(`MELLM bridge listening: ${bridge.url}`);
const stop = () => void Promise.all([bridge.close(), disposeServices(services)]).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
