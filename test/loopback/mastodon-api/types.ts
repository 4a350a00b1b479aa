// Public types of the Mastodon API loopback (re-exported by server.ts).

export interface MastodonLoopbackAccount {
  id: string;
  username: string;
  /** The Bearer token that authenticates as this account. */
  token: string;
  /** Scopes granted to the token (https://docs.joinmastodon.org/api/oauth-scopes/). Default: read, write. */
  scopes?: string[];
  displayName?: string;
}

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface MastodonLoopbackOptions {
  /** Default: one account, `crier` (id "1"), token `loopback-token-crier`. */
  accounts?: MastodonLoopbackAccount[];
  /** `domain` of GET /api/v2/instance (the server's LOCAL_DOMAIN). Default `mastodon.loopback`. */
  domain?: string;
  /** `configuration.statuses.max_characters`, enforced on POST /api/v1/statuses. Default 500. */
  maxCharacters?: number;
  /** `configuration.statuses.characters_reserved_per_url`, the width a URL counts. Default 23. */
  charactersReservedPerUrl?: number;
  /** Statuses created per account (app/lib/rate_limiter.rb :statuses). Default 300 per 3 hours. */
  statusLimit?: WindowLimit;
  /** Authenticated API calls per token (docs /api/rate-limits/). Default 300 per 5 minutes. */
  apiLimit?: WindowLimit;
  /** How long an Idempotency-Key is remembered. Default one hour (documented). */
  idempotencyTtlMs?: number;
  /** Fault hook, called for every request after it is recorded and before it is processed. */
  onRequest?: (req: RecordedRequest) => FaultAction | undefined | Promise<FaultAction | undefined>;
}

export type FaultAction =
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "destroy-before" }
  | { kind: "destroy-after" }
  | { kind: "hang-after" }
  | { kind: "delay"; ms: number };

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/statuses`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Parsed body when it is JSON. */
  json?: unknown;
  /** Body parameters, from JSON or application/x-www-form-urlencoded. */
  params: Record<string, unknown>;
  /** Set when the Bearer token belongs to an account. */
  accountId?: string;
  receivedAt: number;
}

export interface StoredStatus {
  id: string;
  accountId: string;
  text: string;
  spoilerText: string;
  visibility: string;
  language: string | null;
  sensitive: boolean;
  idempotencyKey: string | null;
  createdAt: number;
  deleted: boolean;
}

export interface MastodonLoopback {
  /** `http://127.0.0.1:<port>`: the `instance` to configure. */
  url: string;
  requests: RecordedRequest[];
  statuses: StoredStatus[];
  close(): Promise<void>;
}

/** A response the server is about to send. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
