// Loaded into the mock by `npm run bench` only (node --expose-gc --import ./scripts/bench-heap-hook.mjs ...): on
// SIGUSR2, a full garbage collection, then process.memoryUsage() written as JSON to $BENCH_HEAP_FILE. The heap still
// in use after a full collection is what a leak would make grow; RSS also moves with V8's sizing of its heap.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_HEAP_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    writeFileSync(file, JSON.stringify(process.memoryUsage()));
  });
}
