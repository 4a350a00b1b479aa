// Public types of the Threads loopback.
import type { Harness, RecordedRequest } from "../harness.js";
import type { ImageFetch } from "./image-fetch.js";

export type { ImageFetch } from "./image-fetch.js";

export interface LoopbackUser {
  id: string;
  username: string;
  /** The user's first long-lived token. */
  token: string;
  /** Permissions granted (default: threads_basic, threads_content_publish, threads_delete). */
  scopes?: string[];
  /** When the token was made, epoch ms on the loopback's clock (default: two days before start). */
  issuedAt?: number;
}

export interface TokenRecord {
  token: string;
  userId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface StoredContainer {
  id: string;
  userId: string;
  mediaType: "TEXT" | "IMAGE";
  text?: string;
  linkAttachment?: string;
  imageUrl?: string;
  altText?: string;
  createdAt: number;
  /** Status reads answered IN_PROGRESS so far, and how many it takes. */
  reads: number;
  inProgressReads: number;
  /** The image's refusal (`error_message`), when it was refused. */
  problem?: string;
  /** The post it became. */
  mediaId?: string;
}

export interface StoredPost {
  id: string;
  userId: string;
  containerId: string;
  mediaType: "TEXT_POST" | "IMAGE";
  text: string;
  linkAttachment?: string;
  imageUrl?: string;
  altText?: string;
  publishedAt: number;
  permalink: string;
  deleted: boolean;
}

export interface ThreadsLoopbackOptions {
  users?: LoopbackUser[];
  /** Status reads a new container answers IN_PROGRESS before FINISHED (default 0); a function decides per container. */
  inProgressReads?: number | ((c: StoredContainer) => number);
  /** Posts a profile may publish in 24 hours (default 250) and delete (default 100). */
  publishQuota?: number;
  deleteQuota?: number;
  /** Where the clock starts (epoch ms, default Date.now()); it moves only by `advance`. */
  startAt?: number;
}

export interface ThreadsLoopback {
  /** http://127.0.0.1:<port>: the `apiBase`. */
  url: string;
  harness: Harness;
  requests: RecordedRequest[];
  users: LoopbackUser[];
  tokens: Map<string, TokenRecord>;
  containers: Map<string, StoredContainer>;
  posts: StoredPost[];
  /** Every `threads_publish` that published, in order. */
  publishes: Array<{ container: string; media: string }>;
  imageFetches: ImageFetch[];
  now(): number;
  advance(ms: number): void;
  /** Issues a long-lived token for a user, made `ageMs` ago. */
  issueToken(userId: string, ageMs?: number): string;
  close(): Promise<void>;
}
