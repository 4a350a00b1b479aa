/**
 * Publishing: container, status, publish — resumable from the checkpointed container, never a
 * second post. Network I/O through the kit's JsonClient (types only here: open.ts loads it).
 * Pages (read 2026-12):
 * [media]   IG User Media: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media (served 2026-09-11)
 * [cont]    IG Container ("Updated: Jul 23, 2024"): https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container
 * [publish] IG User Media Publish (served 2026-09-11): https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
 * [limit]   Content Publishing Limit (v25.0): https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
 * [guide]   Content Publishing (v25.0): https://developers.facebook.com/docs/instagram-platform/content-publishing
 * [igmedia] IG Media: https://developers.facebook.com/docs/instagram-platform/reference/instagram-media
 */
import { encodePath, type CheckResult, type SendContext, type SentPost } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import type { InstagramConfig } from "./config.js";
import { InstagramAnswerError, InstagramContainerError, InstagramNotReadyError, InstagramQuotaError, InstagramStepError, type Step } from "./errors.js";
import { fitAltText, type InstagramPayload } from "./render.js";
import type { TokenKeeper } from "./token.js";
import { findPublished, formatCheckpoint, parseCheckpoint, type Checkpoint } from "./resume.js";

export interface InstagramClient {
  http: JsonClient;
  cfg: InstagramConfig;
  tokens: TokenKeeper;
  now: () => number;
}

type StatusCode = "EXPIRED" | "ERROR" | "FINISHED" | "IN_PROGRESS" | "PUBLISHED";
interface Quota { usage: number; total?: number; durationS?: number; answeredAt: number }

async function step<T>(name: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new InstagramStepError(name, err);
  }
}

const idOf = (body: unknown): string => {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== "string" && typeof id !== "number") throw new InstagramAnswerError("the answer has no id");
  return String(id);
};

/** The Graph calls of one send or check, with the token in the Authorization header ([guide] curl examples). */
function graph(c: InstagramClient, token: string, signal: AbortSignal) {
  const at = (path: string) => `/${c.cfg.apiVersion}${path}`;
  const headers = { authorization: `Bearer ${token}` };
  const user = c.cfg.userId;
  return {
    me: async () => (await c.http.get(at("/me"), { signal, headers, query: { fields: "user_id,username" } })).body,
    /** [limit] {"data":[{"quota_usage":2,"config":{"quota_total":50,"quota_duration":86400}}]}. */
    async quota(): Promise<Quota> {
      const res = await c.http.get<{ data?: Array<{ quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }> }>(
        at(encodePath`/${user}/content_publishing_limit`), { signal, headers, query: { fields: "quota_usage,config" } });
      const row = res.body?.data?.[0];
      if (typeof row?.quota_usage !== "number") throw new InstagramAnswerError("content_publishing_limit answered without quota_usage");
      const answeredAt = Date.parse(res.headers.date ?? "");
      return { usage: row.quota_usage, total: row.config?.quota_total, durationS: row.config?.quota_duration, answeredAt: Number.isFinite(answeredAt) ? answeredAt : c.now() };
    },
    /** [media] image_url, caption, alt_text; no media_type for a single image ([guide]). */
    create: async (json: Record<string, string>) => idOf((await c.http.post(at(encodePath`/${user}/media`), { signal, headers, json })).body),
    /** [cont] GET /<IG_CONTAINER_ID>?fields=status_code,status. */
    async status(container: string): Promise<{ code: StatusCode; text?: string }> {
      const body = (await c.http.get<{ status_code?: string; status?: string }>(at(encodePath`/${container}`), { signal, headers, query: { fields: "status_code,status" } })).body;
      const code = body?.status_code;
      if (!["EXPIRED", "ERROR", "FINISHED", "IN_PROGRESS", "PUBLISHED"].includes(code ?? "")) throw new InstagramAnswerError(`unknown status_code ${String(code)}`);
      return { code: code as StatusCode, ...(typeof body?.status === "string" ? { text: body.status } : {}) };
    },
    /** [publish] creation_id → {"id": <IG media id>}. */
    publish: async (container: string) => idOf((await c.http.post(at(encodePath`/${user}/media_publish`), { signal, headers, json: { creation_id: container } })).body),
    permalink: async (media: string) => (await c.http.get<{ permalink?: string }>(at(encodePath`/${media}`), { signal, headers, query: { fields: "permalink" } })).body?.permalink ?? null,
    /** [igmedia] the account's recent media, newest first. */
    recent: async () => (await c.http.get<{ data?: unknown[] }>(at(encodePath`/${user}/media`), { signal, headers, query: { fields: "id,caption,timestamp,permalink", limit: 25 } })).body?.data ?? [],
  };
}
type Graph = ReturnType<typeof graph>;

/** Exhausted → the quota error; the wait is the window Instagram announces, never a hard-coded number. */
async function checkQuota(c: InstagramClient, g: Graph): Promise<void> {
  const q = await step("quota", () => g.quota());
  if (q.total === undefined || q.usage < q.total) return;
  const windowMs = (q.durationS ?? 86_400) * 1000;
  // A moving window ([publish] "within a 24 hour moving period"): a slot frees when the oldest post
  // in it turns quota_duration old, at the latest quota_duration from now.
  throw new InstagramQuotaError(q.usage, q.total, q.durationS ?? 86_400, q.answeredAt + windowMs, Math.max(0, q.answeredAt + windowMs - c.now()));
}

/** The post is out: its URL if Instagram gives it; a failure here never fails the send. */
async function published(g: Graph, mediaId: string, note?: string): Promise<SentPost> {
  const remoteUrl = await g.permalink(mediaId).catch(() => null);
  return { remoteId: mediaId, remoteUrl, ...(note ? { note } : {}) };
}

async function publish(c: InstagramClient, g: Graph, cp: Checkpoint, ctx: SendContext, quotaRead: boolean): Promise<SentPost> {
  if (!quotaRead) await checkQuota(c, g);
  const mediaId = await step("publish", () => g.publish(cp.container));
  // Kept so that a retry after a crash here knows the post without searching for it; the post is out either way.
  await Promise.resolve(ctx.saveCheckpoint?.(formatCheckpoint({ ...cp, mediaId }))).catch(() => undefined);
  return published(g, mediaId);
}

/**
 * One attempt. With a checkpoint, the container it names decides: PUBLISHED → done (never again),
 * FINISHED → publish, IN_PROGRESS → come back later, EXPIRED or ERROR → it can never be published,
 * so a new one. Without: quota, container (checkpointed before anything else), one status read.
 */
export async function sendInstagram(c: InstagramClient, payload: InstagramPayload, ctx: SendContext): Promise<SentPost> {
  const g = graph(c, await c.tokens.current(ctx.signal), ctx.signal);
  const saved = parseCheckpoint(ctx.checkpoint ?? null);
  if (saved?.mediaId) return published(g, saved.mediaId, "published by an earlier attempt");
  if (saved) {
    const { code } = await step("status", () => g.status(saved.container));
    if (code === "PUBLISHED") return findPublished(g, saved, payload.caption);
    if (code === "FINISHED") return publish(c, g, saved, ctx, false);
    if (code === "IN_PROGRESS") throw new InstagramNotReadyError(saved.container);
  }
  await checkQuota(c, g);
  const url = ctx.image?.publicUrl ?? payload.image.url;
  const alt = ctx.image ? fitAltText(ctx.image.alt) : payload.image.alt;
  const json: Record<string, string> = { image_url: asciiUrl(url) };
  if (payload.caption) json.caption = payload.caption;
  if (alt) json.alt_text = alt;
  const cp: Checkpoint = { container: await step("create", () => g.create(json)), createdAt: c.now() };
  await step("checkpoint", async () => ctx.saveCheckpoint?.(formatCheckpoint(cp)));
  const status = await step("status", () => g.status(cp.container));
  if (status.code === "FINISHED") return publish(c, g, cp, ctx, true);
  if (status.code === "IN_PROGRESS") throw new InstagramNotReadyError(cp.container);
  if (status.code === "ERROR") throw new InstagramContainerError(cp.container, status.text ?? "ERROR");
  throw new InstagramStepError("status", new InstagramAnswerError(`a new container is ${status.code}`));
}

/** [media] "URLs that contain only US ASCII characters, or the request will fail": WHATWG serialisation percent-encodes the rest. */
function asciiUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** GET /me?fields=user_id,username, in the Get Started page's `{"data":[…]}` shape or a plain object. */
export async function checkInstagram(c: InstagramClient, signal: AbortSignal): Promise<CheckResult> {
  const g = graph(c, await c.tokens.current(signal), signal);
  const body = (await g.me()) as { data?: Array<Record<string, unknown>> } & Record<string, unknown>;
  const me = Array.isArray(body?.data) ? (body.data[0] ?? {}) : (body ?? {});
  const userId = String(me.user_id ?? me.id ?? "?");
  const warnings: string[] = [];
  if (me.user_id !== undefined && userId !== c.cfg.userId) warnings.push(`the token is account ${userId}, but userId is ${c.cfg.userId}: set userId to ${userId}`);
  const quota = await g.quota().then((q) => (q.total !== undefined ? `; ${q.usage} of ${q.total} API posts used in the last ${Math.round((q.durationS ?? 86_400) / 3600)} h` : ""), () => "");
  const expiresAt = c.tokens.expiresAt();
  const notes: string[] = [];
  // Not known until the first refresh, which Instagram allows once a token is a day old: nothing to do yet.
  if (expiresAt === undefined) notes.push("the token's expiry is not known yet: Crier learns it at the first refresh (tokens can be refreshed once 24 hours old)");
  if (c.tokens.lastError) (expiresAt === undefined ? notes : warnings).push(`refreshing the token failed: ${c.tokens.lastError}`);
  return { account: `@${String(me.username ?? "?")} (Instagram professional account ${userId})${quota}`, ...(expiresAt !== undefined ? { expiresAt } : {}), warnings, notes };
}
