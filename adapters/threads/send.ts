/**
 * The network side: container, status, quota, publish, permalink (https://developers.facebook.com/
 * documentation/threads/posts, updated Apr 14, 2026; reference: /docs/threads/reference/publishing).
 * Imports the JSON client's types only (open.ts makes it). Never sleeps: a container still
 * IN_PROGRESS is a classified "not ready", and the core calls again.
 */
import { createHash } from "node:crypto";
import type { CheckResult, SendContext, SentPost } from "../../src/core/index.js";
import { encodePath, errorText } from "../../src/core/index.js";
import { truncate } from "../../src/text/graphemes.js";
import { BeforePublishError, ThreadsError, type Step } from "./errors.js";
import type { ThreadsClient } from "./open.js";
import type { ThreadsPayload } from "./render.js";
import { currentToken } from "./token.js";

type MediaType = "TEXT" | "IMAGE";
interface Checkpoint {
  container: string;
  type: MediaType;
  /** When the container was made (epoch ms, Crier's clock); absent in checkpoints written before it was kept. */
  at?: number;
  /** textDigest of the container's text as created: a later attempt may render another text. */
  text?: string;
  /** Set once threads_publish answered: the post exists. */
  media?: string;
}
type Status = { status?: string; error_message?: string };

export function parseCheckpoint(value: string | null): Checkpoint | null {
  try {
    const c = value ? (JSON.parse(value) as Partial<Checkpoint>) : null;
    if (!c || typeof c.container !== "string" || (c.type !== "TEXT" && c.type !== "IMAGE")) return null;
    return {
      container: c.container, type: c.type,
      ...(typeof c.at === "number" ? { at: c.at } : {}), ...(typeof c.text === "string" ? { text: c.text } : {}), ...(typeof c.media === "string" ? { media: c.media } : {}),
    };
  } catch {
    return null;
  }
}

/** "The maximum length of alt_text is 1,000 characters" (reference, publishing): kept to 1,000 UTF-16 units, the strictest reading. */
export function altText(alt: string): string {
  let max = 1000;
  let out = truncate(alt.trim(), max);
  while (out.length > 1000) out = truncate(alt.trim(), (max -= 50));
  return out;
}

/** Runs a step before publishing, so that its failure is known to have posted nothing. */
async function before<T>(step: Step, image: boolean, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new BeforePublishError(step, err, image);
  }
}

function api(c: ThreadsClient, token: string, signal: AbortSignal) {
  const v = c.cfg.apiVersion;
  const user = c.cfg.userId;
  const get = <T>(path: string, route: string, query: Record<string, string | number> = {}) =>
    c.http.get<T>(path, { signal, route, query: { ...query, access_token: token } }).then((r) => r.body);
  const post = <T>(path: string, route: string, form: Record<string, string>) =>
    c.http.post<T>(path, { signal, route, form: { ...form, access_token: token } }).then((r) => r.body);
  return {
    create: (form: Record<string, string>) => post<{ id: string }>(encodePath`/${v}/${user}/threads`, "/{v}/{user}/threads", form),
    // Troubleshooting (https://developers.facebook.com/documentation/threads/troubleshooting): EXPIRED, ERROR, FINISHED, IN_PROGRESS, PUBLISHED.
    status: (id: string) => get<Status>(encodePath`/${v}/${id}`, "/{v}/{container}", { fields: "status,error_message" }),
    quota: () => get<{ data?: Array<{ quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }> }>(encodePath`/${v}/${user}/threads_publishing_limit`, "/{v}/{user}/threads_publishing_limit", { fields: "quota_usage,config" }),
    publish: (id: string) => post<{ id: string }>(encodePath`/${v}/${user}/threads_publish`, "/{v}/{user}/threads_publish", { creation_id: id }),
    permalink: (id: string) => get<{ permalink?: string }>(encodePath`/${v}/${id}`, "/{v}/{media}", { fields: "permalink" }),
    // Retrieve User Posts (/documentation/threads/retrieve-and-discover-posts/retrieve-posts, updated Apr 14, 2026).
    me: () => get<{ id?: string; username?: string }>(encodePath`/${v}/me`, "/{v}/me", { fields: "id,username" }),
    latest: () => get<{ data?: Array<{ id: string; text?: string; permalink?: string; timestamp?: string }> }>(encodePath`/${v}/${user}/threads`, "/{v}/{user}/threads", { fields: "id,text,permalink,timestamp", limit: 25 }),
  };
}
type Api = ReturnType<typeof api>;

/** TEXT with the link as `link_attachment`, or IMAGE with `image_url` and `alt_text` (link_attachment: "Can only be used for media_type=TEXT posts"). */
function container(c: ThreadsClient, payload: ThreadsPayload, ctx: SendContext): { type: MediaType; form: Record<string, string>; note?: string } {
  const url = ctx.image?.publicUrl;
  if (payload.mediaType === "IMAGE" && url && ctx.image) {
    const alt = altText(ctx.image.alt);
    return { type: "IMAGE", form: { media_type: "IMAGE", image_url: url, text: payload.text, ...(alt ? { alt_text: alt } : {}) } };
  }
  if (payload.mediaType === "IMAGE" && c.cfg.postAs === "image") throw new ThreadsError({ what: "no-image-url" }, "no public image URL for an image-only destination");
  const form: Record<string, string> = { media_type: "TEXT", text: payload.text, ...(payload.link ? { link_attachment: payload.link } : {}) };
  return payload.mediaType === "IMAGE" ? { type: "TEXT", form, note: "posted as a text post: the image had no public URL Threads could fetch" } : { type: "TEXT", form };
}

/** "Threads profiles are limited to 250 API-published posts within a 24-hour moving period" (/docs/threads/overview). */
async function checkQuota(a: Api, image: boolean): Promise<void> {
  const row = (await before("quota", image, a.quota)).data?.[0];
  const usage = row?.quota_usage;
  const total = row?.config?.quota_total;
  if (typeof usage === "number" && typeof total === "number" && usage >= total) {
    throw new ThreadsError({ what: "quota", usage, total, windowS: row?.config?.quota_duration ?? 86_400 }, `publishing quota used up: ${usage}/${total}`);
  }
}

/** What identifies a container's text in its checkpoint: sha256, base64url, 22 characters (a checkpoint stays short). */
export function textDigest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** Threads' clock and Crier's differ: a post a little "before" its container still counts (as for Instagram). */
const SKEW_MS = 10 * 60_000;
interface Listed { id: string; text?: string; permalink?: string; timestamp?: string }

/**
 * The post a PUBLISHED container became. The container names no post (its fields are id, status and
 * error_message: Troubleshooting), so the post is the profile's latest (`GET /{user}/threads`,
 * newest first) with the container's text as created — from the checkpoint, never a re-render —
 * and published no earlier than the container was made, less the clocks' skew. Among several, the
 * first published after the container; failing that, the latest before it.
 */
export function matchPublished(posts: readonly Listed[], cp: Checkpoint, text: string, queuedAt: number): Listed | undefined {
  const digest = cp.text ?? textDigest(text);
  const since = cp.at ?? queuedAt;
  const made = (t?: string) => (t ? Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")) : Number.NaN);
  // An undated post is not excluded by its date: the text decides.
  const candidates = posts.filter((p) => p.text !== undefined && textDigest(p.text) === digest && !(made(p.timestamp) < since - SKEW_MS));
  const after = candidates.filter((p) => made(p.timestamp) >= since).sort((a, b) => made(a.timestamp) - made(b.timestamp));
  return after[0] ?? candidates[0];
}

async function findPublished(a: Api, cp: Checkpoint, text: string, queuedAt: number): Promise<Listed> {
  const posts = (await before("lookup", false, a.latest)).data ?? [];
  const found = matchPublished(posts, cp, text, queuedAt);
  if (!found) throw new ThreadsError({ what: "already-published", container: cp.container }, `container ${cp.container} was published by an earlier attempt`);
  return found;
}

async function finish(a: Api, media: string, permalink: string | undefined, note?: string): Promise<SentPost> {
  // The post exists: a permalink that cannot be read costs the URL, never the delivery.
  const url = permalink ?? (await a.permalink(media).then((r) => r.permalink, () => undefined));
  return { remoteId: media, remoteUrl: url ?? null, ...(note ? { note } : {}) };
}

export async function sendThreads(c: ThreadsClient, payload: ThreadsPayload, ctx: SendContext): Promise<SentPost> {
  const { token, refreshError } = await currentToken(c.tokens, ctx.signal);
  if (refreshError !== undefined) c.logger?.warn({ reason: errorText(refreshError).slice(0, 300) }, "Threads token not refreshed; posting with the current one");
  const a = api(c, token, ctx.signal);
  const want = container(c, payload, ctx);
  const image = want.type === "IMAGE";
  const saved = parseCheckpoint(ctx.checkpoint ?? null);
  if (saved?.media) return finish(a, saved.media, undefined, want.note);

  let id: string | null = null;
  let cp: Checkpoint | null = saved;
  let state: Status = {};
  if (saved) {
    state = await before("status", image, () => a.status(saved.container));
    if (state.status === "PUBLISHED") {
      const post = await findPublished(a, saved, want.form.text ?? payload.text, ctx.queuedAt);
      return finish(a, post.id, post.permalink, want.note);
    }
    // Same kind of post and still usable: resume it. EXPIRED ("not published within 24 hours"), or
    // a container of the other kind (the image was dropped since): never published, a new one is made.
    if (saved.type === want.type && state.status !== "EXPIRED") id = saved.container;
  }
  await checkQuota(a, image);
  if (id === null) {
    const at = c.tokens.now();
    id = String((await before("create", image, () => a.create(want.form))).id);
    const made: Checkpoint = { container: id, type: want.type, at, text: textDigest(want.form.text ?? "") };
    cp = made;
    // A store that cannot keep the checkpoint: nothing is posted yet, and nothing will be without it.
    await before("checkpoint", image, async () => ctx.saveCheckpoint?.(JSON.stringify(made)));
    state = await before("status", image, () => a.status(id as string));
  }
  if (state.status === "IN_PROGRESS") throw new ThreadsError({ what: "not-ready", container: id }, `container ${id} is IN_PROGRESS`);
  if (state.status === "ERROR" || state.status === "EXPIRED") {
    throw new ThreadsError({ what: "container-error", container: id, image, errorMessage: state.error_message ?? state.status }, `container ${id}: ${state.status}`);
  }
  // FINISHED: the one step that posts.
  const media = String((await a.publish(id)).id);
  // The post exists now; a store that fails to record it must not turn it into a failure (a retry
  // would find the container PUBLISHED and look the post up).
  const published: Checkpoint = { ...(cp ?? { container: id, type: want.type }), media };
  await ctx.saveCheckpoint?.(JSON.stringify(published)).catch(() => undefined);
  return finish(a, media, undefined, want.note);
}

/** `GET /me?fields=id,username` (Profiles, /docs/threads/threads-profiles) and the token's expiry. */
export async function checkThreads(c: ThreadsClient, signal: AbortSignal): Promise<CheckResult> {
  const { token, expiresAt, refreshError } = await currentToken(c.tokens, signal);
  const body = await api(c, token, signal).me();
  const warnings: string[] = [];
  const notes: string[] = [];
  if (!c.tokens.credentials) warnings.push("no credential store: the token is not refreshed and lapses 60 days after it was made");
  // Never refreshed yet (its expiry unknown): most likely a token under a day old, which Meta does not refresh. Nothing to do yet.
  if (refreshError !== undefined) (expiresAt === undefined ? notes : warnings).push(`the token could not be refreshed yet (${errorText(refreshError).slice(0, 160)}); Meta refreshes tokens at least 24 hours old`);
  if (c.cfg.userId !== "me" && body.id !== c.cfg.userId) warnings.push(`userId ${c.cfg.userId} is not the token's profile (${body.id ?? "?"})`);
  if (typeof expiresAt === "number" && expiresAt - c.tokens.now() < 7 * 86_400_000) warnings.push(`the token lapses on ${new Date(expiresAt).toISOString()}`);
  return { account: `@${body.username ?? "?"} (Threads user ${body.id ?? "?"})`, ...(expiresAt !== undefined ? { expiresAt } : {}), ...(warnings.length ? { warnings } : {}), ...(notes.length ? { notes } : {}) };
}

/** `DELETE /{threads-media-id}` → `{ success: true, deleted_id }` (/docs/threads/posts/delete-posts; 100 deletes a day). */
export async function deleteThreads(c: ThreadsClient, remoteId: string, signal: AbortSignal): Promise<void> {
  const { token } = await currentToken(c.tokens, signal);
  const { body } = await c.http.delete<{ success?: boolean }>(encodePath`/${c.cfg.apiVersion}/${remoteId}`, { signal, route: "/{v}/{media}", query: { access_token: token } });
  if (body?.success !== true) throw new Error(`Threads did not confirm deleting ${remoteId}`);
}
