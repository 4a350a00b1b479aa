// Public types of the Facebook Graph API loopback.
import type { Harness, HarnessFault, RecordedRequest, Reply } from "../harness.js";

export interface GraphApp {
  id: string;
  secret: string;
  name: string;
  /** "Require App Secret": every call needs `appsecret_proof` (Secure Graph API Calls). */
  requireProof?: boolean;
}

export interface GraphPage {
  id: string;
  name: string;
}

export interface GraphToken {
  token: string;
  /** debug_token's `type`: a Page token posts as the Page; a user token gets the platform limits. */
  type: "PAGE" | "USER";
  appId: string;
  userId: string;
  /** The Page a Page token acts as (debug_token's `profile_id`). */
  pageId?: string;
  scopes: string[];
  /** Epoch seconds; 0: never expires (a Page token from a long-lived user token). */
  expiresAt: number;
  issuedAt?: number;
  /** A 190 subcode the token is refused with (458, 459, 460, 464, 467, 492): invalidated. */
  invalidated?: number;
}

export interface StoredPost {
  /** "{page-id}_{post-id}" (Page Post reference). */
  id: string;
  pageId: string;
  message?: string;
  link?: string;
  published: boolean;
  createdTime: string;
  /** The photo of a photo post. */
  photoId?: string;
  /** The version the request was served with. */
  version: string;
}

export interface StoredPhoto {
  id: string;
  pageId: string;
  postId: string;
  url?: string;
  caption?: string;
  altText?: string;
  bytes: number;
  type: string;
}

export interface ImageFetch {
  bytes: Buffer;
  type: string;
}

export interface FacebookGraphOptions {
  apps?: GraphApp[];
  pages?: GraphPage[];
  tokens?: GraphToken[];
  /** The clock (epoch ms) for versions, token expiry and rate limits. Default Date.now. */
  now?: () => number;
  /** Pages BUC: "Calls within 24 hours = 4800 * Number of Engaged Users". Default 4800. */
  pageCallsPerDay?: number;
  /** Platform limit for user tokens: "Calls within one hour = 200 * Number of Users". Default 200. */
  userCallsPerHour?: number;
  /** Usage headers appear "once enough calls have been made": from this call_count percentage. Default 0 (always). */
  usageHeadersFrom?: number;
  /** Links whose page Facebook cannot scrape (answered 1609005). */
  unscrapable?: (link: string) => boolean;
  /** How Facebook fetches a photo `url`. Default: a real GET. null: it could not. */
  fetchImage?: (url: string) => Promise<ImageFetch | null>;
  onRequest?: (req: RecordedRequest) => HarnessFault | undefined;
}

export interface FacebookGraphLoopback {
  /** `http://127.0.0.1:<port>`: the `apiBase`. */
  url: string;
  harness: Harness;
  requests: RecordedRequest[];
  posts: StoredPost[];
  photos: StoredPhoto[];
  /** The version each versioned request asked for and was served with (the `facebook-api-version` header). */
  served: Array<{ path: string; requested: string; served: string }>;
  /** Blocks the Page from posting until `until` (epoch ms): 368. */
  block(pageId: string, until: number): void;
  /** The next `times` creations store the post, then answer `reply` (e.g. a code 2, is_transient): the answer lies. */
  failAfterCreate(reply: Reply, times?: number): void;
  close(): Promise<void>;
}
