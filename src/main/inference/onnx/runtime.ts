import * as ort from 'onnxruntime-node';
import { nodeRequire } from '../../util/node-require';

export function onnxRuntimeVersion(): string {
  return (nodeRequire('onnxruntime-node/package.json') as { version: string }).version;
}

/** Execution providers this onnxruntime-node build knows, and whether its binary ships with it. */
export function executionProviders(): { name: string; available: boolean }[] {
  return ort.listSupportedBackends().map((backend) => ({ name: backend.name, available: backend.bundled }));
}
