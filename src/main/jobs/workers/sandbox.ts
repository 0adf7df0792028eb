import { renderChatTemplate } from '../../inference/llm/template';
import { serveJobs } from '../child-runtime';
import type { SandboxJob } from '../sandbox';

/**
 * The sandbox process (jobs/sandbox.ts): runs the untrusted code of model folders under
 * the sandbox's limits. Whatever a chat template does, it does to this process alone.
 */
serveJobs<SandboxJob, string>(async () => async (input, context) => {
  // Starts the caller's time limit; the message leaves before the rendering blocks the loop.
  context.progress(0, 1);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return renderChatTemplate(input.job);
});
