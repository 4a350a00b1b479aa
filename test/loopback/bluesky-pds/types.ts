// Public types of the Bluesky PDS loopback (re-exported by server.ts).
import type { AtpAgent } from "@atproto/api";

/** One request the PDS received (XRPC calls by their NSID, e.g. `com.atproto.server.createSession`). */
export interface RecordedRequest {
  method: string;
  /** The NSID for `/xrpc/<nsid>`, else the path. */
  nsid: string;
}

/**
 * What to do with a request instead of (or after) letting the PDS answer it:
 * - `reply`: answer with this status, body and headers; the PDS never sees the request;
 * - `drop-after`: the PDS handles it (the write happens), then the connection is destroyed unanswered;
 * - `hang-after`: the PDS handles it, the answer is never sent (the client's timeout fires).
 */
export type FaultAction =
  | { kind: "reply"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "drop-after" }
  | { kind: "hang-after" };

export interface BlueskyPdsOptions {
  /** Handle of the account to create: ends in `.test`, not a reserved word ("news", "other"…). Default `crier.test`. */
  handle?: string;
  /** Turn on the PDS's own rate limits (createSession: 30 per 5 minutes, ...). Default off. */
  rateLimits?: boolean;
  /** Consulted for every request; undefined lets the PDS answer normally. */
  fault?: (req: RecordedRequest) => FaultAction | undefined;
}

export interface StoredPost {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

export interface BlueskyPds {
  /** `http://127.0.0.1:<port>`: the PDS's XRPC origin. */
  url: string;
  /** `http://127.0.0.1:<port>`: the in-memory PLC directory. */
  plcUrl: string;
  handle: string;
  did: string;
  /** An app password of the account (what Crier is configured with). */
  password: string;
  /** The account's main password (for tests that need a second, independent session). */
  accountPassword: string;
  /** Requests received since the account was set up. */
  requests: RecordedRequest[];
  /** How many requests to `nsid` arrived since setup (e.g. logins: `com.atproto.server.createSession`). */
  count(nsid: string): number;
  /** A client logged in as the account (with the main password), for reading records back. */
  agent: AtpAgent;
  /** The `app.bsky.feed.post` record at `rkey`, or null. */
  getPost(rkey: string): Promise<StoredPost | null>;
  /** Every `app.bsky.feed.post` record of the account. */
  listPosts(): Promise<StoredPost[]>;
  /** The bytes of the account's blob `cid`, as com.atproto.sync.getBlob serves them. */
  getBlob(cid: string): Promise<Buffer>;
  /** CIDs of the account's blobs that a record uses (com.atproto.sync.listBlobs). */
  listBlobs(): Promise<string[]>;
  /** An app-password access token that expired an hour ago, signed like the PDS signs (HS256, jwtSecret). */
  expiredAccessJwt(): string;
  close(): Promise<void>;
}
