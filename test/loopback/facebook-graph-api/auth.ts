// Access tokens as the Graph API reads them: the parameter, appsecret_proof, expiry, and
// GET /debug_token.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { RecordedRequest, Reply } from "../harness.js";
import { ERRORS, unsupported } from "./errors.js";
import type { GraphApp, GraphToken } from "./types.js";

/**
 * Every parameter of a request, wherever it came: Meta's examples send them as a query string, as
 * form fields (`-d`, `-F`) and as a JSON body (Page Posts guide, https://developers.facebook.com/docs/pages-api/posts;
 * Photo uploads guide). Which wins when one is sent twice is not documented: the body here.
 */
export function paramsOf(req: RecordedRequest): Record<string, string> {
  const out: Record<string, string> = { ...req.query };
  const add = (o: Record<string, unknown> | undefined) => {
    for (const [k, v] of Object.entries(o ?? {})) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
      else if (Array.isArray(v) && typeof v[v.length - 1] === "string") out[k] = v[v.length - 1] as string;
    }
  };
  add(req.form);
  add(req.json && typeof req.json === "object" && !Array.isArray(req.json) ? (req.json as Record<string, unknown>) : undefined);
  add(req.multipart?.fields);
  return out;
}

/**
 * The token: the `access_token` parameter (every Meta example), or an `Authorization: Bearer`
 * (or `OAuth`) header. UNCONFIRMED for graph.facebook.com Page endpoints: Meta shows Bearer there
 * only in an Instagram example (Content Publishing guide); accepted as the loopback's choice.
 */
export function tokenOf(req: RecordedRequest, params: Record<string, string>): string | undefined {
  if (params.access_token) return params.access_token;
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
  return m?.[1];
}

export type Caller = { kind: "token"; token: GraphToken; app: GraphApp } | { kind: "app"; app: GraphApp };

/** `app_id|app_secret`, the app token (Access Tokens guide, "App Access Tokens"). */
function appOfToken(value: string, apps: readonly GraphApp[]): GraphApp | undefined {
  const [id, secret] = value.split("|");
  return apps.find((a) => a.id === id && a.secret === secret);
}

/** `appsecret_proof`: "a sha256 hash of your access token, using your app secret as the key" (Secure Graph API Calls). */
export function proofFor(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}

function proofError(value: string, app: GraphApp, proof: string | undefined): Reply | undefined {
  if (proof === undefined) return app.requireProof ? ERRORS.proofRequired() : undefined;
  const want = Buffer.from(proofFor(value, app.secret));
  const got = Buffer.from(proof);
  return got.length === want.length && timingSafeEqual(got, want) ? undefined : ERRORS.proofInvalid();
}

/** Who is calling, or the Graph error for a missing, unknown, expired or invalidated token. */
export function authenticate(req: RecordedRequest, params: Record<string, string>, apps: readonly GraphApp[], tokens: readonly GraphToken[], now: number): Caller | Reply {
  const value = tokenOf(req, params);
  if (!value) return ERRORS.tokenRequired();
  const app = appOfToken(value, apps);
  if (app) return proofError(value, app, params.appsecret_proof) ?? { kind: "app", app };
  const token = tokens.find((t) => t.token === value);
  const owner = token ? apps.find((a) => a.id === token.appId) : undefined;
  if (!token || !owner) return ERRORS.invalidToken();
  if (token.invalidated !== undefined) return ERRORS.invalidatedToken(token.invalidated);
  if (token.expiresAt !== 0 && now > token.expiresAt * 1000) return ERRORS.expiredToken(token.expiresAt * 1000, now);
  return proofError(value, owner, params.appsecret_proof) ?? { kind: "token", token, app: owner };
}

export const isReply = (v: Caller | Reply): v is Reply => "status" in v;

/**
 * GET /debug_token?input_token=… (debug_token reference, https://developers.facebook.com/docs/graph-api/reference/debug_token):
 * "An app access token or an app developer's user access token for the app associated with the
 * input_token" is required; the `data` fields are the reference's. `expires_at: 0` for a token
 * that never expires and the refusal of POST are observed (https://github.com/logly/mureo/pull/744).
 */
export function debugToken(req: RecordedRequest, caller: Caller, params: Record<string, string>, tokens: readonly GraphToken[], now: number): Reply {
  if (req.method !== "GET") return unsupported(req.method, "debug_token");
  if (caller.kind !== "app") return ERRORS.appTokenRequired();
  const input = params.input_token;
  if (!input) return ERRORS.invalidParam("input_token is required");
  const t = tokens.find((x) => x.token === input && x.appId === caller.app.id);
  if (!t) return { status: 200, body: { data: { error: { code: 190, message: "Invalid OAuth access token." }, is_valid: false, scopes: [] } } };
  const expired = t.expiresAt !== 0 && now > t.expiresAt * 1000;
  const data: Record<string, unknown> = {
    app_id: t.appId, type: t.type, application: caller.app.name, data_access_expires_at: 0, expires_at: t.expiresAt,
    is_valid: !expired && t.invalidated === undefined, issued_at: t.issuedAt ?? Math.floor(now / 1000) - 86_400, scopes: t.scopes, user_id: t.userId,
  };
  if (t.pageId) data.profile_id = t.pageId;
  return { status: 200, body: { data } };
}
