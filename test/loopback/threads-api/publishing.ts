// Containers, publishing, posts and deletion: https://developers.facebook.com/documentation/threads/posts
// (updated Apr 14, 2026), the publishing reference (https://developers.facebook.com/docs/threads/reference/publishing),
// Troubleshooting (container statuses), Delete Posts and the Overview's quotas. Every answer cites its rule.
import type { Reply } from "../harness.js";
import { sequentialIds } from "../harness-ids.js";
import { WindowLimiter } from "../harness-limits.js";
import { ERR } from "./graph-errors.js";
import { fetchImage } from "./image-fetch.js";
import { MAX_CHARACTERS, MAX_LINKS, threadsCharacters, uniqueLinks } from "./text-rules.js";
import type { ImageFetch, LoopbackUser, StoredContainer, StoredPost } from "./types.js";

const DAY = 86_400_000;
type Params = Record<string, string>;

export class Publishing {
  readonly containers = new Map<string, StoredContainer>();
  readonly posts: StoredPost[] = [];
  readonly publishes: Array<{ container: string; media: string }> = [];
  readonly imageFetches: ImageFetch[] = [];
  // "250 API-published posts within a 24-hour moving period" (Overview, Posts); "100 deletes per day per account" (Delete Posts).
  readonly published: WindowLimiter;
  readonly deleted: WindowLimiter;
  private readonly containerIds = sequentialIds(17_890_000_000_001);
  private readonly mediaIds = sequentialIds(18_040_000_000_001);

  constructor(
    private readonly now: () => number,
    private readonly inProgressReads: (c: StoredContainer) => number,
    quotas: { publish: number; delete: number },
  ) {
    this.published = new WindowLimiter({ limit: quotas.publish, windowMs: DAY, mode: "sliding" });
    this.deleted = new WindowLimiter({ limit: quotas.delete, windowMs: DAY, mode: "sliding" });
  }

  /** POST /{threads-user-id}/threads. */
  async create(user: LoopbackUser, p: Params): Promise<Reply> {
    const type = p.media_type;
    // media_type "Required. Values: TEXT, IMAGE, VIDEO"; this loopback makes TEXT and IMAGE only.
    if (type !== "TEXT" && type !== "IMAGE") return ERR.param(type ? `The loopback makes TEXT and IMAGE containers, not ${type}` : "The parameter media_type is required");
    if (type === "TEXT" && !p.text) return ERR.param("The parameter text is required for media_type=TEXT"); // "Required for media_type=TEXT"
    if (type === "IMAGE" && !p.image_url) return ERR.param("The parameter image_url is required for media_type=IMAGE"); // "Required for media_type=IMAGE"
    // link_attachment: "Can only be used for media_type=TEXT posts"; "This must be a valid, publicly accessible URL".
    if (p.link_attachment !== undefined && type !== "TEXT") return ERR.param("Param link_attachment can only be used for media_type=TEXT posts");
    if (p.link_attachment !== undefined && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(p.link_attachment)) return ERR.param("Param link_attachment must be a valid URL");
    const text = p.text ?? "";
    if (threadsCharacters(text) > MAX_CHARACTERS) return ERR.textTooLong();
    const links = uniqueLinks(text, p.link_attachment).size;
    if (links > MAX_LINKS) return ERR.linkLimit(links);
    // alt_text: "The maximum length of alt_text is 1,000 characters" (reference; counted in code points here).
    if (p.alt_text !== undefined && Array.from(p.alt_text).length > 1000) return ERR.param("Param alt_text must be at most 1000 characters long");
    const c: StoredContainer = { id: this.containerIds(), userId: user.id, mediaType: type, createdAt: this.now(), reads: 0, inProgressReads: 0 };
    if (p.text !== undefined) c.text = p.text;
    if (p.link_attachment !== undefined) c.linkAttachment = p.link_attachment;
    if (p.alt_text !== undefined) c.altText = p.alt_text;
    if (type === "IMAGE" && p.image_url) {
      c.imageUrl = p.image_url;
      const seen = await fetchImage(p.image_url);
      this.imageFetches.push(seen);
      if (seen.problem) c.problem = seen.problem;
    }
    c.inProgressReads = this.inProgressReads(c);
    this.containers.set(c.id, c);
    return { status: 200, body: { id: c.id } }; // Example Response: { "id": "<THREADS_MEDIA_CONTAINER_ID>" }
  }

  /**
   * Troubleshooting: "EXPIRED — The container was not published within 24 hours", "ERROR", "FINISHED —
   * ready to be published", "IN_PROGRESS", "PUBLISHED". IN_PROGRESS lasts `inProgressReads` reads (the
   * test's clock; Meta: "wait on average 30 seconds"). `count`: a status read, not a publish attempt.
   */
  statusOf(c: StoredContainer, count: boolean): { status: string; error_message?: string } {
    if (c.mediaId) return { status: "PUBLISHED" };
    if (this.now() - c.createdAt >= DAY) return { status: "EXPIRED" };
    if (c.reads < c.inProgressReads) {
      if (count) c.reads += 1;
      return { status: "IN_PROGRESS" };
    }
    return c.problem ? { status: "ERROR", error_message: c.problem } : { status: "FINISHED" };
  }

  /** POST /{threads-user-id}/threads_publish with `creation_id`. */
  publish(user: LoopbackUser, p: Params, permalinkBase: string): Reply {
    const c = this.containers.get(p.creation_id ?? "");
    if (!c || c.userId !== user.id) return ERR.mediaNotFound(p.creation_id ?? "");
    const { status } = this.statusOf(c, false);
    if (status === "IN_PROGRESS") return ERR.mediaNotFound(c.id); // observed when publishing too early
    // Publishing a container twice, or one EXPIRED or in ERROR: no documented answer (loopback choice).
    if (status === "PUBLISHED") return ERR.param(`The media container ${c.id} has already been published`);
    if (status !== "FINISHED") return ERR.param(`The media container ${c.id} cannot be published: ${status}`);
    if (!this.published.take(user.id, this.now()).allowed) return ERR.quota("Threads publishing");
    const id = this.mediaIds();
    c.mediaId = id;
    const post: StoredPost = {
      id, userId: user.id, containerId: c.id, mediaType: c.mediaType === "TEXT" ? "TEXT_POST" : "IMAGE", text: c.text ?? "",
      publishedAt: this.now(), permalink: `${permalinkBase}/@${user.username}/post/${BigInt(id).toString(36)}`, deleted: false,
    };
    if (c.linkAttachment) post.linkAttachment = c.linkAttachment;
    if (c.imageUrl) post.imageUrl = c.imageUrl;
    if (c.altText) post.altText = c.altText;
    this.posts.push(post);
    this.publishes.push({ container: c.id, media: id });
    return { status: 200, body: { id } }; // { "id": "<THREADS_MEDIA_ID>" }
  }

  /** GET /{id}?fields=…: a container's status, or a post's fields (Media Retrieval). */
  read(user: LoopbackUser, id: string, fields: string[]): Reply {
    const c = this.containers.get(id);
    if (c && c.userId === user.id) {
      // "fields … Values: id (default), status (default), error_message"
      const s = this.statusOf(c, fields.includes("status"));
      const out: Record<string, unknown> = { id: c.id };
      if (fields.includes("status") || fields.length === 0) out.status = s.status;
      if (fields.includes("error_message") && s.error_message) out.error_message = s.error_message;
      return { status: 200, body: out };
    }
    const post = this.posts.find((x) => x.id === id && x.userId === user.id && !x.deleted);
    if (!post) return ERR.noObject(id);
    const bad = fields.find((f) => !(f in POST_FIELDS));
    return bad ? ERR.noField(bad) : { status: 200, body: postFields(post, fields, user) };
  }

  /** GET /{threads-user-id}/threads: the user's posts, newest first (first page only: loopback choice). */
  list(user: LoopbackUser, fields: string[], limit: number): Reply {
    const mine = this.posts.filter((x) => x.userId === user.id && !x.deleted).reverse().slice(0, limit);
    return { status: 200, body: { data: mine.map((x) => postFields(x, fields, user)) } };
  }

  /** DELETE /{threads-media-id} → { success: true, deleted_id } (Delete Posts). */
  remove(user: LoopbackUser, id: string): Reply {
    const post = this.posts.find((x) => x.id === id && x.userId === user.id && !x.deleted);
    if (!post) return ERR.noObject(id);
    if (!this.deleted.take(user.id, this.now()).allowed) return ERR.quota("Threads delete");
    post.deleted = true;
    return { status: 200, body: { success: true, deleted_id: id } };
  }
}

/** Media fields (Retrieve User Posts); `timestamp` as Graph writes it ("2024-07-01T12:00:00+0000"). */
const POST_FIELDS: Record<string, (p: StoredPost, u: LoopbackUser) => unknown> = {
  id: (p) => p.id,
  text: (p) => p.text,
  permalink: (p) => p.permalink,
  media_type: (p) => p.mediaType,
  media_product_type: () => "THREADS",
  username: (_p, u) => u.username,
  link_attachment_url: (p) => p.linkAttachment,
  media_url: (p) => p.imageUrl,
  timestamp: (p) => new Date(p.publishedAt).toISOString().replace(/\.\d{3}Z$/, "+0000"),
};

function postFields(p: StoredPost, fields: string[], u: LoopbackUser): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id };
  for (const f of fields) if (POST_FIELDS[f] && POST_FIELDS[f](p, u) !== undefined) out[f] = POST_FIELDS[f](p, u);
  return out;
}
