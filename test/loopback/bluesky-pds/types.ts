// Public types of the Bluesky PDS loopback (re-exported by server.ts).
import type { AtpAgent } from "@atproto/api";
import type { Harness, HarnessFault, RecordedRequest } from "../harness.js";

/** The harness's faults: `status` (the PDS never sees the request), `destroy-after`, `hang-after`, `delay`, ... */
export type FaultAction = HarnessFault;

/** One request the PDS received (XRPC calls by their NSID, e.g. `com.atproto.server.createSession`). */
export interface PdsRequest {
  method: string;
  /** The NSID for `/xrpc/<nsid>`, else the path. */
  nsid: string;
  /** The request as the harness recorded it: headers, raw and parsed body, answered status. */
  http: RecordedRequest;
}

export interface BlueskyPdsOptions {
  /** Handle of the account to create: ends in `.test`, not a reserved word ("news", "other"…). Default `crier.test`. */
  handle?: string;
  /** Turn on the PDS's own rate limits (createSession: 30 per 5 minutes, ...). Default off. */
  rateLimits?: boolean;
  /** Consulted for every request after setup; undefined lets the PDS answer normally. */
  fault?: (req: PdsRequest) => FaultAction | undefined;
}

export interface StoredPost {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

export interface BlueskyPds {
  /** `http://127.0.0.1:<port>`: the PDS's XRPC origin (the harness in front of it). */
  url: string;
  /** `http://127.0.0.1:<port>`: the PDS's own listener, behind the harness. */
  appUrl: string;
  /** `http://127.0.0.1:<port>`: the in-memory PLC directory. */
  plcUrl: string;
  handle: string;
  did: string;
  /** An app password of the account (what Crier is configured with). */
  password: string;
  /** The account's main password (for tests that need a second, independent session). */
  accountPassword: string;
  /** Requests received since the account was set up. */
  readonly requests: PdsRequest[];
  /** How many requests to `nsid` arrived since setup (e.g. logins: `com.atproto.server.createSession`). */
  count(nsid: string): number;
  /** The harness in front of the PDS: `inject`, `waitForRequest`, every raw request. */
  harness: Harness;
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
