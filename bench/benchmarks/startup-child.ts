/**
 * A fresh process for the startup benchmark (startup.ts): does one task from nothing and
 * prints its timings as one JSON line. Process start → first result is what a user waits
 * for after launching the app or a `mellm` command.
 *
 *   flow <modelsDir> <preset> graph|single-graph [threads]
 */
export {};

const bootMs = performance.now();
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const [task, ...args] = process.argv.slice(2);

/** Deterministic 640×480 textures one pixel apart: the flow's cost does not depend on what it sees. */
function frames(width: number, height: number) {
  const a = new Uint8Array(width * height * 3);
  const b = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const v = (x: number) => 128 + 60 * Math.sin(x * 0.07) * Math.cos(y * 0.05) + 40 * Math.sin((x + y) * 0.013);
      for (let c = 0; c < 3; c += 1) {
        a[(y * width + x) * 3 + c] = v(x);
        b[(y * width + x) * 3 + c] = v(x - 1);
      }
    }
  }
  return [
    { width, height, channels: 3 as const, data: a },
    { width, height, channels: 3 as const, data: b },
  ];
}

async function flowTask(modelsDir: string, preset: 'fast' | 'balanced' | 'accurate', mode: string, threads: number): Promise<Record<string, number>> {
  const [first, second] = frames(640, 480) as [ReturnType<typeof frames>[number], ReturnType<typeof frames>[number]];
  if (mode === 'graph') {
    const { FlowService } = await import('../../src/main/inference/flow/service');
    const importMs = performance.now();
    const flow = new FlowService(modelsDir, { intraOpThreads: threads });
    const t0 = performance.now();
    const cpu0 = cpu();
    await flow.compute(first, second, { preset });
    const firstCpuMs = cpu() - cpu0;
    const firstMs = performance.now() - t0;
    const firstResultMs = performance.now();
    const t1 = performance.now();
    await flow.compute(first, second, { preset });
    const warmMs = performance.now() - t1;
    await flow.dispose();
    return { importMs, firstMs, firstCpuMs, firstResultMs, warmMs };
  }
  // The peer: the whole flow as one graph on one session, as the model ran before it was
  // staged (ONNX Runtime's allocation planner grows faster than linearly with node count).
  const ort = await import('onnxruntime-node');
  const { optionsForSize } = await import('../../src/main/inference/flow/variational');
  const { buildVariationalFlowGraph } = await import('../../src/main/inference/flow/variational-graph');
  const { FLOW_PRESETS } = await import('../../src/main/inference/flow/variational-presets');
  const importMs = performance.now();
  if (mode !== 'single-graph') throw new Error(`Unknown flow mode ${mode}`);
  const t0 = performance.now();
  const cpu0 = cpu();
  const bytes = buildVariationalFlowGraph(optionsForSize(FLOW_PRESETS[preset], 640, 480)).toBytes();
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'extended', intraOpNumThreads: threads });
  const sessionMs = performance.now() - t0;
  const gray = (image: typeof first) => Float32Array.from({ length: 640 * 480 }, (_, i) => image.data[i * 3] as number);
  const feeds = { frame1: new ort.Tensor('float32', gray(first), [1, 1, 480, 640]), frame2: new ort.Tensor('float32', gray(second), [1, 1, 480, 640]) };
  await session.run(feeds);
  const firstCpuMs = cpu() - cpu0;
  const firstMs = performance.now() - t0;
  const firstResultMs = performance.now();
  const t1 = performance.now();
  await session.run(feeds);
  const warmMs = performance.now() - t1;
  await session.release();
  return { importMs, sessionMs, firstMs, firstCpuMs, firstResultMs, warmMs };
}

const run = async (): Promise<Record<string, number>> => {
  if (task === 'flow') return flowTask(args[0] as string, args[1] as 'fast', args[2] as string, Number(args[3] ?? 1));
  throw new Error(`Unknown task ${task ?? ''}`);
};

const result = await run();
// Every figure counts from process start (performance.now()'s origin), except the per-step durations.
console.log(JSON.stringify({ ...result, bootMs, cpuMs: cpu(), pid: process.pid }));
process.exit(0);
