// The state and options of the Instagram loopback (see server.ts and README.md).
import type { Harness, RecordedRequest } from "../harness.js";
import type { FetchedImage, ImageFetch } from "./fetch-image.js";

export interface LoopbackAccount {
  /** The Instagram professional account id, `<IG_ID>` (`user_id` on /me). */
  userId: string;
  /** The app-scoped id (`id` on /me). */
  appScopedId: string;
  username: string;
}

export interface LoopbackToken {
  value: string;
  userId: string;
  issuedAt: number;
  expiresAt: number;
  scopes: readonly string[];
  revoked?: boolean;
}

export type ContainerState = "IN_PROGRESS" | "ERROR" | "PUBLISHED";

export interface Container {
  id: string;
  userId: string;
  imageUrl: string;
  caption: string;
  altText?: string;
  createdAt: number;
  image: FetchedImage;
  /** Status reads answered IN_PROGRESS so far, and how many there are before FINISHED. */
  reads: number;
  processingReads: number;
  /** FINISHED no earlier than this (server clock). */
  readyAt: number;
  state: ContainerState;
  /** With state ERROR: the subcode in `status`. */
  errorSubcode?: number;
  mediaId?: string;
  /** Every POST media_publish naming this container, accepted or not. */
  publishCalls: number;
}

export interface Media {
  id: string;
  userId: string;
  containerId: string;
  caption: string;
  altText?: string;
  permalink: string;
  publishedAt: number;
}

export interface InstagramLoopbackOptions {
  /** Versions served (default v21.0–v27.0, the ones the Graph API versions table lists as available in Dec 2026). */
  versions?: readonly string[];
  account?: Partial<LoopbackAccount>;
  /** The account's first token (default TOKEN), issued `tokenAgeMs` ago (default 2 days), lasting 60 days. */
  token?: string;
  tokenAgeMs?: number;
  scopes?: readonly string[];
  /** content_publishing_limit config (default 50 per 86400 s, the reference's "currently"). */
  quotaTotal?: number;
  quotaDurationS?: number;
  /** How long new containers stay IN_PROGRESS: for `reads` status reads and/or `ms` of the server clock. */
  processing?: { reads?: number; ms?: number };
  imageFetchTimeoutMs?: number;
  /** /me answer shape: "data" as the Get Started page prints it (default), or a flat object. */
  meShape?: "data" | "flat";
  /** Answer captions without "@", as IG Media does for apps without admin-equivalent tasks. */
  captionsWithoutAt?: boolean;
  /** Revoke the old token when it is refreshed (unconfirmed either way; default false). */
  revokeOnRefresh?: boolean;
  /** Instagram's Business Use Case limit: at most `calls` per `windowMs` per account, then code 80002. */
  callLimit?: { calls: number; windowMs: number };
  /** The server clock's start (default Date.now()). */
  startAt?: number;
}

export interface InstagramLoopback {
  /** `apiBase` for the adapter: the server's root (paths carry the version). */
  url: string;
  harness: Harness;
  requests: RecordedRequest[];
  account: LoopbackAccount;
  tokens: Map<string, LoopbackToken>;
  containers: Map<string, Container>;
  media: Media[];
  imageFetches: ImageFetch[];
  /** Applies to containers created from now on. */
  processing: { reads: number; ms: number };
  clock: { now(): number; advance(ms: number): void };
  /** Puts a container in ERROR with this subcode in its `status`. */
  failContainer(id: string, subcode: number): void;
  /** Adds a token for the account (e.g. an old one, or one without a scope). */
  addToken(token: Omit<LoopbackToken, "userId"> & { userId?: string }): void;
  close(): Promise<void>;
}
