// Loopback stand-in for the Graph API as a Facebook Page publisher uses it, on the shared harness
// (test/loopback/harness.ts). Imports nothing from src/ or adapters/. Every rule cites its Meta page
// where it is implemented; README.md lists them all, with what is observed or the loopback's choice.
import { startHarness, type Handler, type RecordedRequest, type Reply } from "../harness.js";
import { authenticate, debugToken, isReply, paramsOf, type Caller } from "./auth.js";
import { ERRORS, unsupported } from "./errors.js";
import { PageStore } from "./posts.js";
import type { FacebookGraphLoopback, FacebookGraphOptions, GraphApp, GraphPage, GraphToken, ImageFetch } from "./types.js";
import { usageRules } from "./usage.js";
import { servedVersion } from "./versions.js";

export type * from "./types.js";
export { ERRORS, graphError } from "./errors.js";
export { proofFor } from "./auth.js";

export const DEFAULT_APP: GraphApp = { id: "1234567890123", secret: "loopback-app-secret-0123456789abcdef", name: "Crier" };
export const DEFAULT_PAGE: GraphPage = { id: "104523452345234", name: "Riverside Courier" };
export const PAGE_SCOPES = ["pages_show_list", "pages_read_engagement", "pages_manage_posts"];
/** A Page token made from a long-lived user token: it never expires (Pages Access Tokens). */
export const DEFAULT_PAGE_TOKEN: GraphToken = {
  token: "EAAloopbackPageToken0123456789abcdefABCDEF", type: "PAGE", appId: DEFAULT_APP.id, userId: "5550001", pageId: DEFAULT_PAGE.id, scopes: PAGE_SCOPES, expiresAt: 0,
};

/** A real GET, as Facebook fetches a photo `url` ("a photo that is already uploaded to the Internet", Photo reference). */
async function fetchOverHttp(url: string): Promise<ImageFetch | null> {
  try {
    const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return null;
    return { bytes: Buffer.from(await res.arrayBuffer()), type: (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "" };
  } catch {
    return null;
  }
}

export async function startFacebookGraphApi(opts: FacebookGraphOptions = {}): Promise<FacebookGraphLoopback> {
  const now = opts.now ?? Date.now;
  const apps = opts.apps ?? [DEFAULT_APP];
  const pages = opts.pages ?? [DEFAULT_PAGE];
  const tokens = opts.tokens ?? [DEFAULT_PAGE_TOKEN];
  const store = new PageStore(opts.unscrapable ?? (() => false), opts.fetchImage ?? fetchOverHttp);
  const served: FacebookGraphLoopback["served"] = [];
  const restOf = (path: string) => path.replace(/^\/[^/]*/, "") || "/";

  const usage = { apps, tokens, now, pageCallsPerDay: opts.pageCallsPerDay ?? 4800, userCallsPerHour: opts.userCallsPerHour ?? 200, headersFrom: opts.usageHeadersFrom ?? 0 };
  const h = await startHarness({
    now,
    limits: usageRules(usage, pages.map((p) => p.id)),
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    // A path no route takes: an unknown version, or a node/edge the loopback does not reproduce.
    notFound: (req) => (servedVersion(req.path.split("/")[1] ?? "", now()) ? unsupported(req.method, restOf(req.path).slice(1)) : ERRORS.unknownPath(restOf(req.path))),
    internalError: (err) => ({ status: 500, body: { error: { message: `loopback handler failed: ${String(err)}`, type: "LoopbackError", code: 1 } } }),
  });

  /** Version, then token, then the route: every Graph call is `/{version}/…` with an access token. */
  const graph = (handler: (req: RecordedRequest, caller: Caller, params: Record<string, string>, version: string) => Reply | Promise<Reply>): Handler => async (req) => {
    const requested = req.params.version ?? "";
    const version = servedVersion(requested, now());
    if (!version) return ERRORS.unknownPath(restOf(req.path));
    served.push({ path: req.path, requested, served: version });
    const params = paramsOf(req);
    const caller = authenticate(req, params, apps, tokens, now());
    const reply = isReply(caller) ? caller : await handler(req, caller, params, version);
    // The version that answered, as Graph reports it in the `facebook-api-version` header (observed; introduced with v2.1).
    return { ...reply, headers: { ...reply.headers, "facebook-api-version": version } };
  };

  const pageFor = (caller: Caller, id: string): { page: GraphPage; token: GraphToken } | undefined => {
    const page = pages.find((p) => p.id === id);
    return page && caller.kind === "token" && caller.token.type === "PAGE" && caller.token.pageId === id ? { page, token: caller.token } : undefined;
  };

  h.route("*", "/:version/debug_token", graph((req, caller, params) => debugToken(req, caller, params, tokens, now())));

  h.route(["GET", "POST"], "/:version/:node/feed", graph((req, caller, params, version) => {
    const node = req.params.node ?? "";
    if (req.method === "GET") return caller.kind === "token" && caller.token.pageId === node ? store.list(node) : unsupported("GET", `${node}/feed`);
    const target = pageFor(caller, node);
    if (!target) return caller.kind === "token" && caller.token.type === "USER" && pages.some((p) => p.id === node) ? ERRORS.postPermission() : unsupported("POST", `${node}/feed`);
    return store.feed({ ...target, params, version, now: now() });
  }));

  h.route("POST", "/:version/:node/photos", graph((req, caller, params, version) => {
    const node = req.params.node ?? "";
    const target = pageFor(caller, node);
    if (!target) return caller.kind === "token" && caller.token.type === "USER" && pages.some((p) => p.id === node) ? ERRORS.postPermission() : unsupported("POST", `${node}/photos`);
    const file = req.multipart?.files.source;
    return store.photo({ ...target, params, version, now: now() }, file ? { bytes: file.bytes, type: file.type } : undefined);
  }));

  h.route(["GET", "DELETE"], "/:version/:node", graph((req, caller, params, version) => {
    const node = req.params.node ?? "";
    if (caller.kind !== "token") return unsupported(req.method, node);
    if (req.method === "DELETE") return caller.token.type === "PAGE" ? store.remove(node, { token: caller.token }) : ERRORS.postPermission();
    const page = pages.find((p) => p.id === node);
    if (!page) return store.read(node, { token: caller.token, params, version, now: now(), pageId: caller.token.pageId ?? "" });
    return readPage(page, caller.token, params.fields);
  }));

  return {
    url: h.url,
    harness: h,
    requests: h.requests,
    posts: store.posts,
    photos: store.photos,
    served,
    block: (pageId, until) => store.block(pageId, until),
    failAfterCreate: (reply, times = 1) => store.failAfterCreate(reply, times),
    close: () => h.close(),
  };
}

/**
 * GET /{page-id}?fields=… (Pages API overview, https://developers.facebook.com/documentation/pages-api,
 * "Updated: May 7, 2026": `GET /<PAGE_ID>?fields=id,name,about,fan_count`, with pages_show_list and
 * pages_read_engagement). A Page token reads its own Page; a user token with those permissions any.
 */
function readPage(page: GraphPage, token: GraphToken, fieldList: string | undefined): Reply {
  const own = token.type === "PAGE" ? token.pageId === page.id : token.scopes.includes("pages_show_list");
  if (!own) return unsupported("GET", page.id);
  if (!token.scopes.includes("pages_read_engagement")) return ERRORS.readPermission();
  const fields = (fieldList ?? "id,name").split(",").map((f) => f.trim()).filter(Boolean);
  const known: Record<string, string> = { id: page.id, name: page.name };
  const bad = fields.find((f) => !Object.hasOwn(known, f));
  // Observed wording for a field the node does not have.
  if (bad) return ERRORS.nonexistingField(bad, "Page");
  return { status: 200, body: Object.fromEntries(fields.map((f) => [f, known[f]])) };
}
