/**
 * Short operator commands while `crier run` holds the store: instead of writing around the holder
 * (whose destination states and feed cache would not see it), the command writes a request row;
 * the holder takes it, runs the SAME Operations method, and writes the outcome back; the command
 * waits for it with deadlines and returns it as if it had run the operation itself.
 */
import { DATABASE_LEASE, type Lease } from "../store/leases.js";
import type { RequestStore } from "../store/requests.js";
import type { Store } from "../store/index.js";
import { UsageError } from "./errors.js";
import type { Operations } from "./operations.js";
import { holderName, LeaseHeldError } from "./ownership.js";

/** Operations a short command hands to the holder, by their Operations method name. */
export const HANDED_OVER = ["retry", "resolve", "resume", "acceptFeed", "resumeFeed"] as const;
export type HandedOver = (typeof HANDED_OVER)[number];
export type OperationArgs<K extends HandedOver> = Parameters<Operations[K]>[0];
export type OperationResult<K extends HandedOver> = Awaited<ReturnType<Operations[K]>>;

/** The holder failed the operation for a reason other than the request itself (its store, a bug). */
export class HolderError extends Error {
  override name = "HolderError";
}

export interface HandOverTimes {
  /** The holder asks every ~500 ms: a request not taken within this is withdrawn. */
  takeWithinMs: number;
  /** A taken request not answered within this is reported as such. */
  answerWithinMs: number;
  pollMs: number;
}

export const HAND_OVER_TIMES: HandOverTimes = { takeWithinMs: 15_000, answerWithinMs: 60_000, pollMs: 100 };

/** A request older than this that nobody took or read was abandoned: far past every wait above. */
export const ABANDONED_AFTER_MS = 10 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Hands `op(args)` to `holder` through the store and waits for its outcome. `{ ran: false }` when
 * the holder let the store go before taking it (the caller may take the store itself).
 * @throws UsageError (the operation refused the request, as it would have here), LeaseHeldError
 *   (the holder did not take it in time: withdrawn, nothing done), HolderError
 */
export async function handOver<K extends HandedOver>(
  store: Pick<Store, "requests" | "leases">,
  holder: Lease,
  op: K,
  args: OperationArgs<K>,
  times: HandOverTimes = HAND_OVER_TIMES,
): Promise<{ ran: true; result: OperationResult<K> } | { ran: false }> {
  const id = await store.requests.submit(op, args, Date.now());
  const takeBy = Date.now() + times.takeWithinMs;
  let answerBy: number | null = null;
  for (;;) {
    const st = await store.requests.state(id);
    switch (st.state) {
      case "done":
        await store.requests.forget(id);
        return { ran: true, result: st.result as OperationResult<K> };
      case "failed":
        await store.requests.forget(id);
        throw st.error.name === "UsageError" ? new UsageError(st.error.message) : new HolderError(`${holderName(holder)} could not do it: ${st.error.message}`);
      case "gone":
        throw new HolderError(`the request handed to ${holderName(holder)} was removed before it was answered: check with crier deliveries / crier destinations / crier feeds`);
      case "taken":
        answerBy ??= Date.now() + times.answerWithinMs;
        if (Date.now() > answerBy) {
          throw new HolderError(`${holderName(holder)} took the request but did not answer within ${times.answerWithinMs / 1000} s; it may still do it: check with crier deliveries / crier destinations / crier feeds, and its log`);
        }
        break;
      case "waiting": {
        const now = await store.leases.holder(DATABASE_LEASE);
        const gone = now === null || now.owner !== holder.owner;
        if ((gone || Date.now() > takeBy) && (await store.requests.withdraw(id))) {
          if (gone) return { ran: false };
          throw new LeaseHeldError(
            `${holderName(holder)} holds the delivery log but did not take the request within ${times.takeWithinMs / 1000} s: it was withdrawn, nothing was done. ` +
              "Is that process stuck? Look at its log; stop it, or try again.",
            holder,
          );
        }
      }
    }
    await sleep(times.pollMs);
  }
}

/**
 * The holder's side: takes the oldest waiting request, runs the Operations method it names and
 * writes the outcome. Null when none was waiting.
 */
export async function serveOne(requests: RequestStore, operations: Operations, owner: string, now: () => number): Promise<{ op: string; ok: boolean } | null> {
  const req = await requests.take(owner, now(), ABANDONED_AFTER_MS);
  if (!req) return null;
  try {
    if (!(HANDED_OVER as readonly string[]).includes(req.op)) throw new Error(`unknown request "${req.op}" (a newer Crier's?)`);
    const run = operations[req.op as HandedOver] as (args: unknown) => Promise<unknown>;
    const result = await run.call(operations, req.args);
    await requests.finish(req.id, { result }, now());
    return { op: req.op, ok: true };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    await requests.finish(req.id, { error: { name: e.name, message: e.message } }, now());
    return { op: req.op, ok: false };
  }
}
