// Public types of the Mastodon API loopback (re-exported by server.ts).
import type { Harness, HarnessFault, RecordedRequest, Reply } from "../harness.js";

export type { Reply };
export type { FaultAction } from "../fault.js";

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
  /** `configuration.media_attachments.image_size_limit`, enforced on POST /api/v2/media. Default 16 MiB. */
  imageSizeLimit?: number;
  /** `configuration.media_attachments.image_matrix_limit` (width × height). Default 33,177,600 (7680×4320). */
  imageMatrixLimit?: number;
  /** Media uploads per account (docs /api/rate-limits/ "Uploading"). Default 30 per 30 minutes. */
  mediaLimit?: WindowLimit;
  /**
   * How long an upload stays in processing. Default 0: images are processed synchronously and
   * answered 200 (docs, 4.0.0); more: 202 with `url` null, and not attachable to a status until then.
   */
  mediaProcessingMs?: number;
  /** Fault hook, called for every request once recorded (with `accountId`) and before it is processed. */
  onRequest?: (req: MastodonRequest) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
}

/** A recorded request (the harness's), with the account its Bearer token belongs to. */
export interface MastodonRequest extends RecordedRequest {
  accountId?: string;
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
  /** Attached MediaAttachments (`media_ids[]`), in the order given. */
  mediaIds: string[];
}

/** A MediaAttachment uploaded with POST /api/v2/media. */
export interface StoredMedia {
  id: string;
  accountId: string;
  /** The bytes as received. */
  bytes: Buffer;
  /** Detected from the bytes, not the declared type. */
  mimeType: string;
  width: number;
  height: number;
  /** Alt text (`description`), or null. */
  description: string | null;
  /** The status it is attached to, or null while unattached. */
  statusId: string | null;
  /** Epoch ms from which processing is complete (see `mediaProcessingMs`). */
  readyAt: number;
  createdAt: number;
}

export interface MastodonLoopback {
  /** `http://127.0.0.1:<port>`: the `instance` to configure. */
  url: string;
  /** The harness underneath: `inject` faults, `waitForRequest`. */
  harness: Harness;
  requests: MastodonRequest[];
  statuses: StoredStatus[];
  media: StoredMedia[];
  close(): Promise<void>;
}
