/**
 * Counts the async resources (promises, ticks, sockets: async_hooks' types) that some work makes,
 * itself and through what it started. An async_hooks hook sees the whole process: the loopback
 * server, Vitest's RPC to the main process and any other file's leftovers make promises and ticks
 * meanwhile, and a count of all of them failed at random on a busy machine (CI's kind).
 */
import { AsyncResource, createHook, executionAsyncId } from "node:async_hooks";

/**
 * The resources made while `work` ran, by type, counting only those that descend from it. Ticks and
 * callbacks of a socket opened before (a kept-alive connection) are the socket's, not the work's:
 * for those, count the whole process.
 */
export async function resourcesMadeBy(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const made: Record<string, number> = {};
  const root = new AsyncResource("TEST_WORK");
  const ours = new Set<number>([root.asyncId()]);
  // A resource is the work's when made in its context or triggered by one of its resources.
  const hook = createHook({
    init: (id, type, trigger) => {
      if (!ours.has(trigger) && !ours.has(executionAsyncId())) return;
      ours.add(id);
      made[type] = (made[type] ?? 0) + 1;
    },
  });
  hook.enable();
  try {
    await root.runInAsyncScope(work);
  } finally {
    hook.disable();
    root.emitDestroy();
  }
  return made;
}
