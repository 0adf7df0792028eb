import { ClipAnalyzer, type AnalyzeTaskInput, type AnalyzeTaskOutput, type AnalyzerOptions } from '../../analysis/pipeline/task';
import { serveJobs } from '../child-runtime';
import { ModelSandbox } from '../sandbox';

/**
 * A job process of the analysis pool: loads the face and flow models once, then takes
 * one clip after another through the MELLM pipeline (analysis/pipeline/task.ts). An LLM
 * folder's chat template renders in a sandbox process of its own: a hostile template
 * fails its job as MODEL_INVALID within the sandbox's limits instead of taking this
 * process (and every later job's model loading) with it.
 */
serveJobs<AnalyzeTaskInput, AnalyzeTaskOutput, AnalyzerOptions>(async (init) => {
  const sandbox = new ModelSandbox();
  const analyzer = new ClipAnalyzer(init, { templates: sandbox, sessions: sandbox });
  await analyzer.warm();
  return (input, context) => analyzer.analyze(input, context);
});
