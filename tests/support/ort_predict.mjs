// Runs an exported ONNX model with ONNX Runtime (the npm package onnxruntime-node), the
// independent runtime of the token-layer export checks (tests/support/OnnxCheck.h):
//   node ort_predict.mjs NODE_MODULES MODEL.onnx INPUT.f32 N C H W
// INPUT.f32 holds the preprocessed images as little-endian float32 [N, C, H, W]. Prints one
// JSON object: {"dims": [N, classes], "probabilities": [...row-major...]}; exit 1 with the
// reason on stderr when the model does not load or run.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [modules, modelPath, inputPath, ...dimArgs] = process.argv.slice(2);
if (!modules || !modelPath || !inputPath || dimArgs.length !== 4) {
  console.error('usage: node ort_predict.mjs NODE_MODULES MODEL.onnx INPUT.f32 N C H W');
  process.exit(2);
}
// The package lives in the build tree, not beside this script: resolve it from there.
const ort = createRequire(path.join(path.resolve(modules), 'noop.js'))('onnxruntime-node');

try {
  const dims = dimArgs.map(Number);
  const bytes = readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${inputPath}: ${data.length} floats, not ${dims.join('x')}`);
  // One thread and no graph rewrites beyond the basic ones: the numbers of the plain graph.
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic',
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  const results = await session.run(feeds);
  const out = results[session.outputNames[0]];
  console.log(JSON.stringify({ dims: out.dims, probabilities: Array.from(out.data) }));
} catch (e) {
  console.error(`onnxruntime: ${e.message ?? e}`);
  process.exit(1);
}
