/**
 * The connected client: two JSON clients (the API and OAuth roots), the access token in use and
 * its renewal. Loaded by `connect` (it loads undici). Network I/O.
 *
 * Tokens (https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens,
 * li-lms-2024-08): "By default, access tokens are valid for 60 days and programmatic refresh tokens
 * are valid for a year", for approved partners only; a refresh is `POST /oauth/v2/accessToken`
 * (form) with grant_type=refresh_token, refresh_token, client_id, client_secret, answered
 * `{access_token, expires_in, refresh_token, refresh_token_expires_in}` ("the refresh token will
 * have a TTL of 306 days (365-59=306)": its lifetime does not restart).
 */
import { createHash } from "node:crypto";
import { Agent, request } from "../../src/core/http.js";
import { HttpError, isHttpError, readRateLimit, type AttachedImage, type ConnectDeps, type CredentialStore, type RefreshableCredential } from "../../src/core/index.js";
import { JsonClient, type CallOptions, type JsonResponse } from "../../src/core/kit/json-client.js";
import { LinkedInRefreshError } from "./classify.js";
import type { LinkedInConfig } from "./config.js";

/** What send, check and delete use; their modules import this type only (nothing loads undici before connect). */
export interface LinkedInClient {
  cfg: LinkedInConfig;
  api: JsonClient;
  oauth: JsonClient;
  auth: Auth;
  /** A /rest call with the versioned headers and the token in use (renewed when needed). */
  rest<T = unknown>(method: "GET" | "POST" | "DELETE", path: string, call: CallOptions, extra?: Record<string, string>): Promise<JsonResponse<T>>;
  /** PUT of the image bytes to LinkedIn's upload URL, with the token. @throws HttpError on a non-2xx answer. */
  putBytes(uploadUrl: string, image: AttachedImage, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Refreshes ahead of the expiry by this much, so that a token does not lapse between calls. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** The access token in use, renewed through the core's CredentialStore when there is one (else in memory). */
export class Auth {
  private current: RefreshableCredential;
  private renewing: Promise<RefreshableCredential> | undefined;
  readonly origin: string;

  constructor(private readonly cfg: LinkedInConfig, private readonly oauth: JsonClient, private readonly store: CredentialStore | undefined, stored: RefreshableCredential | null) {
    // A fingerprint, never the token: a new token in the config starts afresh from the config.
    this.origin = createHash("sha256").update(`${cfg.accessToken}\n${cfg.refreshToken ?? ""}`).digest("hex");
    this.current = stored?.origin === this.origin ? stored : { accessToken: cfg.accessToken, expiresAt: null, refreshToken: cfg.refreshToken ?? null, origin: this.origin };
  }

  get token(): string {
    return this.current.accessToken;
  }

  get expiresAt(): number | null {
    return this.current.expiresAt;
  }

  /** Only with a refresh token and the app's client id and secret. */
  get canRefresh(): boolean {
    return Boolean(this.cfg.clientId && this.cfg.clientSecret && this.current.refreshToken);
  }

  /** Renews the token, once for concurrent callers; stored (one atomic write) before it is used. */
  refresh(signal: AbortSignal): Promise<RefreshableCredential> {
    const renew = async (stored: RefreshableCredential | null): Promise<RefreshableCredential> => {
      const from = stored?.origin === this.origin ? stored : this.current;
      const at = Date.now();
      const { body } = await this.oauth.post<TokenAnswer>("/accessToken", {
        signal,
        form: { grant_type: "refresh_token", refresh_token: from.refreshToken ?? "", client_id: this.cfg.clientId, client_secret: this.cfg.clientSecret },
      });
      return {
        accessToken: body.access_token,
        expiresAt: at + body.expires_in * 1000,
        refreshToken: body.refresh_token ?? from.refreshToken ?? null,
        refreshExpiresAt: body.refresh_token_expires_in ? at + body.refresh_token_expires_in * 1000 : (from.refreshExpiresAt ?? null),
        origin: this.origin,
      };
    };
    this.renewing ??= (this.store ? this.store.refresh(renew) : renew(this.current))
      .then((fresh) => (this.current = fresh))
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /**
   * Runs `call` with the token: first renewing a token known to lapse within minutes, and once
   * more after a 401 when a refresh is possible. A 401 means LinkedIn did nothing with the
   * request, so the retry cannot post twice.
   */
  async with<T>(signal: AbortSignal, call: (token: string) => Promise<T>): Promise<T> {
    if (this.canRefresh && this.current.expiresAt !== null && Date.now() >= this.current.expiresAt - REFRESH_MARGIN_MS) await this.renewed(signal);
    const used = this.token;
    try {
      return await call(used);
    } catch (err) {
      if (!isHttpError(err) || err.status !== 401 || !this.canRefresh) throw err;
      if (this.token === used) await this.renewed(signal);
      return call(this.token);
    }
  }

  /** A refresh on the way to a call: its failure says nothing was posted (classify.ts). */
  private async renewed(signal: AbortSignal): Promise<void> {
    try {
      await this.refresh(signal);
    } catch (err) {
      throw new LinkedInRefreshError(err);
    }
  }
}

/** The versioned REST headers: "All APIs require the request header LinkedIn-Version … and X-Restli-Protocol-Version: 2.0.0" (…/shares/posts-api). */
export function restHeaders(cfg: LinkedInConfig, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, "linkedin-version": cfg.linkedinVersion, "x-restli-protocol-version": "2.0.0", ...extra };
}

/** PUT of the raw bytes (the kit's JSON client sends JSON, forms and multipart only). @throws HttpError on a non-2xx answer. */
async function putBytes(agent: InstanceType<typeof Agent>, uploadUrl: string, token: string, image: AttachedImage, signal: AbortSignal): Promise<void> {
  const res = await request(uploadUrl, {
    method: "PUT",
    dispatcher: agent,
    signal,
    // The Content-Type of the PUT is not documented; the image's own type is what the bytes are.
    headers: { authorization: `Bearer ${token}`, "content-type": image.mime, "user-agent": "crier" },
    body: image.bytes,
  });
  const text = await res.body.text();
  if (res.statusCode >= 200 && res.statusCode < 300) return;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  let body: unknown = text.slice(0, 2_000);
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: kept as text
  }
  throw new HttpError({ method: "PUT", route: "<uploadUrl>" }, res.statusCode, body, headers, readRateLimit(headers, Date.now()));
}

/** Opens the client: no network I/O (the first send or check makes the first call). */
export async function openLinkedIn(cfg: LinkedInConfig, deps: ConnectDeps): Promise<LinkedInClient> {
  const secrets = [cfg.accessToken, cfg.refreshToken, cfg.clientSecret].filter((s): s is string => Boolean(s));
  const api = new JsonClient({ baseUrl: cfg.apiBase, secrets });
  const oauth = new JsonClient({ baseUrl: cfg.oauthBase, secrets });
  const stored = deps.credentials ? await deps.credentials.load() : null;
  const auth = new Auth(cfg, oauth, deps.credentials, stored);
  const uploads = new Agent();
  return {
    cfg, api, oauth, auth,
    rest: (method, path, call, extra = {}) => auth.with(call.signal, (token) => api.request(method, path, { ...call, headers: restHeaders(cfg, token, extra) })),
    putBytes: (uploadUrl, image, signal) => auth.with(signal, (token) => putBytes(uploads, uploadUrl, token, image, signal)),
    close: async () => void (await Promise.all([api.close(), oauth.close(), uploads.destroy().catch(() => undefined)])),
  };
}
