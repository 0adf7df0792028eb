import type { flowChannels } from '@shared/api';
import { writeFlo } from '../inference/flow/flo';
import { flowMagnitudeStats } from '../inference/flow/types';
import { loadImageFile } from '../media/image';
import type { Services } from './context';
import type { HandlerTable } from './dispatch';

export function flowHandlers(services: Services): Pick<HandlerTable, keyof typeof flowChannels> {
  return {
    'flow.compute': async ({ frame1Path, frame2Path, model, preset, outPath }) => {
      const [a, b] = await Promise.all([loadImageFile(frame1Path), loadImageFile(frame2Path)]);
      const result = await services.flow.compute(a, b, { model, preset });
      if (outPath) await writeFlo(outPath, result.flow);
      return {
        width: result.flow.width,
        height: result.flow.height,
        model: result.model,
        ms: result.ms,
        ...flowMagnitudeStats(result.flow),
        outPath: outPath ?? null,
      };
    },
  };
}
