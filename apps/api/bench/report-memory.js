/**
 * Preloaded into the server by `pnpm bench:soak` (`node --import`): sends the process's
 * memory to the parent once a second over the IPC channel, so that the server itself
 * runs unchanged.
 */
import { getHeapSpaceStatistics } from "node:v8";

function report() {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
  process.send?.({ rss, heapTotal, heapUsed, external, arrayBuffers, spaces });
}

const timer = setInterval(report, 1_000);
timer.unref();
// A full collection on request (the server runs with --expose-gc), to tell memory still
// held from garbage not yet collected.
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  report();
});
// The IPC channel must not keep the server alive once it wants to exit.
process.channel?.unref();
