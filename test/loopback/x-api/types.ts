// Public types of the X API v2 loopback (re-exported by server.ts).
import type { Harness, HarnessFault, RecordedRequest, Reply } from "../harness.js";

export type { Reply };

export interface XLoopbackUser {
  id: string;
  username: string;
  accessToken: string;
  accessSecret: string;
  /** Display name returned by GET /2/users/me; defaults to `username`. */
  name?: string;
}

export interface XLoopbackOptions {
  /** The app's API key/secret (OAuth 1.0a consumer). */
  consumer: { key: string; secret: string };
  users: XLoopbackUser[];
  /** Per user for POST /2/tweets; x-rate-limit-* headers are always sent. Default 200 per 15 minutes (documented). */
  rateLimit?: { limit: number; windowMs: number };
  /** Per-user 24-hour cap on POST /2/tweets, reported in x-user-limit-24hour-* headers. Off when unset. */
  userDayLimit?: number;
  /** Fault hook, called for every request once recorded (with `userId` when the signature verified) and before it is processed. */
  onRequest?: (req: XRequest) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
}

export type { FaultAction } from "../fault.js";

/** A recorded request (the harness's), with what OAuth verification found. */
export interface XRequest extends RecordedRequest {
  /** Set when the OAuth 1.0a signature verified. */
  userId?: string;
  /** Why OAuth verification failed (loopback diagnostics; not something X sends). */
  authError?: string;
}


export interface StoredTweet {
  id: string;
  userId: string;
  text: string;
  mediaIds: string[];
  createdAt: number;
  deleted: boolean;
}

export interface StoredMedia {
  id: string;
  userId: string;
  mediaType: string;
  totalBytes: number;
  bytes: Buffer;
  finalized: boolean;
  /** Set by POST /2/media/metadata (`metadata.alt_text.text`). */
  altText?: string;
}

export interface XLoopback {
  /** `http://127.0.0.1:<port>` — stands in for both https://api.x.com and https://upload.x.com. */
  url: string;
  /** The harness underneath: `inject` faults, `waitForRequest`. */
  harness: Harness;
  requests: XRequest[];
  tweets: StoredTweet[];
  media: StoredMedia[];
  close(): Promise<void>;
}
