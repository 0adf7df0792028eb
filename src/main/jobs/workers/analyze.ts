import { ClipAnalyzer, type AnalyzeTaskInput, type AnalyzeTaskOutput, type AnalyzerOptions } from '../../analysis/pipeline/task';
import { serveJobs } from '../child-runtime';

/**
 * A job process of the analysis pool: loads the face and flow models once, then takes
 * one clip after another through the MELLM pipeline (analysis/pipeline/task.ts).
 */
serveJobs<AnalyzeTaskInput, AnalyzeTaskOutput, AnalyzerOptions>(async (init) => {
  const analyzer = new ClipAnalyzer(init);
  await analyzer.warm();
  return (input, context) => analyzer.analyze(input, context);
});
