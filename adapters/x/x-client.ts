/** The client `connect` opens (client.ts makes it): its own module, so send and media share the type without a cycle. */
import type { TwitterApi } from "twitter-api-v2";

export interface XClient {
  api: TwitterApi;
  /** The configured handle, for post URLs and check. */
  username: string | undefined;
  /** Runs `call` so that every request it makes is aborted with `signal` (twitter-api-v2's methods take none). */
  withSignal<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T>;
  /** Releases the keep-alive sockets. Never throws. */
  close(): Promise<void>;
}
