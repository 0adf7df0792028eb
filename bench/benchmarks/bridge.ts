import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { startBridge } from '../../src/main/transport/bridge';
import { createRouter } from '../../src/main/transport/routes';
import { time, type Benchmark } from '../harness';

/** Cost of one API round trip: validated dispatch alone vs. through the loopback bridge. */
export const bridgeBenchmark: Benchmark = {
  name: 'bridge',
  description: 'API call overhead: direct dispatch vs. HTTP through the loopback bridge',
  async run({ reps = 2000 }) {
    const services = createServices({ userDataDir: mkdtempSync(join(tmpdir(), 'mellm-bench-')) });
    const handlers = createHandlerTable(services);
    const bridge = await startBridge({
      handlers,
      events: services.events,
      router: (connect) => createRouter({ rendererDir: tmpdir(), frames: () => null, connect }),
      // The cost of a call, not the rate limit: a tight loop would exhaust the default budget.
      rateLimits: { api: { ratePerSecond: 1e9, burst: 1e9 } },
    });
    try {
      const direct = await time(() => dispatch(handlers, 'settings.get', {}, { transport: 'direct' }), reps, 50);
      const overHttp = await time(async () => {
        const response = await fetch(`${bridge.origin}/api/settings.get`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bridge.token}` },
          body: '{}',
        });
        await response.json();
      }, reps, 50);
      const invalid = await time(
        () => dispatch(handlers, 'settings.update', { frameCacheMB: 'x' }, { transport: 'direct' }),
        reps,
        50,
      );
      return [
        { case: 'settings.get', method: 'dispatch (validate in+out)', samples: direct },
        { case: 'settings.get', method: 'bridge HTTP round trip', samples: overHttp },
        { case: 'settings.update invalid', method: 'dispatch (validation error)', samples: invalid },
      ];
    } finally {
      await bridge.close();
    }
  },
};
