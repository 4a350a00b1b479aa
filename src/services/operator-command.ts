/**
 * A short operator command (retry, resolve, resume, feed accept, feed resume): run here when this
 * process can take the store, else handed to the `crier run` that holds it (./handover.ts), with
 * the same result either way.
 */
import { handOver, type HandedOver, type OperationArgs, type OperationResult } from "./handover.js";
import { openCrier, openStoreForRequests, type OpenOptions } from "./open.js";
import { LeaseHeldError } from "./ownership.js";

/**
 * @throws what the operation throws (UsageError), ConfigError, StorageError, LeaseHeldError (held
 *   by a process that takes no requests, past `waitMs`; or the holder did not take the request), HolderError
 */
export async function runOperatorCommand<K extends HandedOver>(opts: Omit<OpenOptions, "mode" | "noWaitFor">, op: K, args: OperationArgs<K>): Promise<OperationResult<K>> {
  for (;;) {
    let crier;
    try {
      crier = await openCrier({ ...opts, mode: "write", noWaitFor: (holder) => holder.info.takesRequests });
    } catch (err) {
      if (!(err instanceof LeaseHeldError) || !err.holder.info.takesRequests) throw err;
      const store = await openStoreForRequests(opts);
      try {
        const handed = await handOver(store, err.holder, op, args);
        if (handed.ran) return handed.result;
      } finally {
        await store.close();
      }
      continue; // the holder let the store go before taking the request: take it here
    }
    try {
      const run = crier.operations[op] as (args: OperationArgs<K>) => Promise<OperationResult<K>>;
      return await run.call(crier.operations, args);
    } finally {
      await crier.close();
    }
  }
}
