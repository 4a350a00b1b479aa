/**
 * Operator requests handed to the process that holds the store: a short command (retry, resolve,
 * resume, feed accept, feed resume) run while `crier run` holds it writes a row; the holder takes
 * it, runs the same operation and writes the result back; the command reads it and forgets the row.
 */

export interface OperatorRequest {
  readonly id: number;
  /** The operation's name (Operations' method). */
  readonly op: string;
  /** Its argument, as plain JSON. */
  readonly args: unknown;
  readonly requestedAt: number;
}

/** An operation's failure as the requester re-raises it: the error's class name and message. */
export interface RequestError {
  readonly name: string;
  readonly message: string;
}

export type RequestState =
  | { readonly state: "waiting" }
  | { readonly state: "taken"; readonly by: string }
  | { readonly state: "done"; readonly result: unknown }
  | { readonly state: "failed"; readonly error: RequestError }
  /** Withdrawn or forgotten. */
  | { readonly state: "gone" };

export interface RequestStore {
  /** Queues a request; its id. */
  submit(op: string, args: unknown, now: number): Promise<number>;
  /**
   * The oldest request nobody took, now marked taken by `owner` (one statement); null when none
   * waits. Requests older than `abandonedAfterMs` that nobody took or nobody read are dropped
   * first: their command gave up or died (it waits far less), and an operator's old retry must
   * not run by surprise later. Times are the processes' clocks (`now`, `submit`'s).
   */
  take(owner: string, now: number, abandonedAfterMs: number): Promise<OperatorRequest | null>;
  /** Writes a taken request's outcome. */
  finish(id: number, outcome: { result: unknown } | { error: RequestError }, now: number): Promise<void>;
  state(id: number): Promise<RequestState>;
  /** Removes a request nobody took yet; true when withdrawn (it will never run), false when taken meanwhile. */
  withdraw(id: number): Promise<boolean>;
  /** Removes a request whose outcome was read. */
  forget(id: number): Promise<void>;
}
