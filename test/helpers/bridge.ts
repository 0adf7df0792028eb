import { createHandlerTable } from '../../src/main/api';
import { rendererDir } from '../../src/main/paths';
import { createServices, type ServiceOptions } from '../../src/main/app/services';
import { startBridge, type Bridge, type BridgeOptions } from '../../src/main/transport/bridge';
import { createRouter } from '../../src/main/transport/routes';
import type { Services } from '../../src/main/api/context';

/** The real bridge over real services, as `npm run serve` starts it. */
export async function startTestBridge(
  options: ServiceOptions & { rendererDir?: string; rateLimits?: BridgeOptions['rateLimits'] } = {},
): Promise<{ bridge: Bridge; services: Services }> {
  const services = createServices(options);
  const bridge = await startBridge({
    handlers: createHandlerTable(services),
    events: services.events,
    router: (connect) =>
      createRouter({ rendererDir: options.rendererDir ?? rendererDir(), frames: () => services.frames, connect }),
    rateLimits: options.rateLimits,
  });
  return { bridge, services };
}
