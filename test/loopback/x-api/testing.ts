// Test helpers: sign requests with the independent `oauth-1.0a` package and
// send them over real HTTP to the loopback, as if to https://api.x.com.
import { createHmac } from "node:crypto";
import OAuth from "oauth-1.0a";
import type { XLoopback, XLoopbackOptions } from "./server.js";

export const CONSUMER = { key: "app-key-123", secret: "app-secret-456" };
export const ALICE = { id: "1111111111", username: "alice", accessToken: "1111111111-alicetoken", accessSecret: "alice-secret" };
export const BOB = { id: "2222222222", username: "bob", accessToken: "2222222222-bobtoken", accessSecret: "bob-secret" };

export function baseOptions(extra: Partial<XLoopbackOptions> = {}): XLoopbackOptions {
  return { consumer: CONSUMER, users: [ALICE, BOB], ...extra };
}

export interface SignOverrides {
  consumerSecret?: string;
  tokenSecret?: string;
  nonce?: string;
  timestamp?: number;
  /** Origin the client claims to have signed for; default https://api.x.com. */
  signedOrigin?: string;
}

/** Build the `Authorization: OAuth ...` header for a request. */
export function oauthHeader(
  method: string,
  path: string,
  query: Record<string, string>,
  user: { accessToken: string; accessSecret: string },
  o: SignOverrides = {},
): string {
  const oauth = new OAuth({
    consumer: { key: CONSUMER.key, secret: o.consumerSecret ?? CONSUMER.secret },
    signature_method: "HMAC-SHA1",
    hash_function: (base, key) => createHmac("sha1", key).update(base).digest("base64"),
  });
  const qs = new URLSearchParams(query).toString();
  const url = `${o.signedOrigin ?? "https://api.x.com"}${path}${qs ? `?${qs}` : ""}`;
  const oauthData: OAuth.Data = {
    oauth_consumer_key: CONSUMER.key,
    oauth_nonce: o.nonce ?? oauth.getNonce(),
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: o.timestamp ?? oauth.getTimeStamp(),
    oauth_version: "1.0",
    oauth_token: user.accessToken,
  };
  // getSignature mutates the oauth data it is given: pass a copy.
  const signature = oauth.getSignature({ url, method }, o.tokenSecret ?? user.accessSecret, { ...oauthData });
  return oauth.toHeader({ ...oauthData, oauth_signature: signature }).Authorization;
}

export interface CallOptions extends SignOverrides {
  method?: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Buffer | string;
  contentType?: string;
  user?: { accessToken: string; accessSecret: string } | null;
  authorization?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

/** Signed request to the loopback; `user: null` sends no Authorization header. */
export async function call(lb: XLoopback, path: string, o: CallOptions = {}): Promise<CallResult> {
  const method = o.method ?? "GET";
  const query = o.query ?? {};
  const headers: Record<string, string> = {};
  const user = o.user === undefined ? ALICE : o.user;
  if (o.authorization !== undefined) headers.authorization = o.authorization;
  else if (user) headers.authorization = oauthHeader(method, path, query, user, o);
  let body: Buffer | string | undefined = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers["content-type"] = "application/json";
  }
  if (o.contentType) headers["content-type"] = o.contentType;
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${lb.url}${path}${qs ? `?${qs}` : ""}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** multipart/form-data body, byte-exact, for the append endpoint. */
export function multipart(fields: Array<{ name: string; value: string | Buffer; filename?: string }>): { body: Buffer; contentType: string } {
  const boundary = "----loopback" + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const f of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"`;
    if (f.filename) head += `; filename="${f.filename}"`;
    head += "\r\n";
    if (Buffer.isBuffer(f.value)) head += "Content-Type: application/octet-stream\r\n";
    chunks.push(Buffer.from(head + "\r\n"), Buffer.isBuffer(f.value) ? f.value : Buffer.from(f.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const UNAUTHORIZED_BODY = { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" };
export const INVALID_REQUEST = {
  title: "Invalid Request",
  detail: "One or more parameters to your request was invalid.",
  type: "https://api.twitter.com/2/problems/invalid-request",
};
