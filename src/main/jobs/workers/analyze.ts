import { runAnalyzeTask, type AnalyzeTaskInput } from '../../analysis/pipeline/task';
import { serveTask } from '../worker-runtime';

/** Worker thread: one clip through the MELLM pipeline (see analysis/pipeline/task.ts). */
serveTask((input: AnalyzeTaskInput, context) => runAnalyzeTask(input, context));
