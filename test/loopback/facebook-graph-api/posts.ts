// Page posts: POST /{page-id}/feed, POST /{page-id}/photos, GET and DELETE /{id}, GET /{page-id}/feed.
// Page Posts guide, https://developers.facebook.com/docs/pages-api/posts (examples v24.0-v26.0,
// read Dec 2026); Photo reference, https://developers.facebook.com/docs/graph-api/reference/photo/
// (v18.0 copy); Handling Errors for the codes.
import type { Reply } from "../harness.js";
import { sequentialIds } from "../harness-ids.js";
import { ERRORS, unsupported } from "./errors.js";
import type { GraphPage, GraphToken, ImageFetch, StoredPhoto, StoredPost } from "./types.js";

/** Loopback choice: the 63,206 characters third parties report (no Meta page states a limit), counted in UTF-16 code units. */
export const MESSAGE_LIMIT = 63_206;
/** Photo reference: "a photo must be less than 10MB in size". */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export interface PostContext {
  page: GraphPage;
  token: GraphToken;
  params: Record<string, string>;
  version: string;
  now: number;
}

const isUrl = (v: string) => {
  try {
    return /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
};

export class PageStore {
  readonly posts: StoredPost[] = [];
  readonly photos: StoredPhoto[] = [];
  private readonly postIds = sequentialIds(1_000_000_001);
  private readonly photoIds = sequentialIds(7_000_000_001);
  private readonly blocked = new Map<string, number>();
  private lies: Array<{ reply: Reply; times: number }> = [];

  constructor(
    private readonly unscrapable: (link: string) => boolean,
    private readonly fetchImage: (url: string) => Promise<ImageFetch | null>,
  ) {}

  block(pageId: string, until: number): void {
    this.blocked.set(pageId, until);
  }

  failAfterCreate(reply: Reply, times: number): void {
    this.lies.push({ reply, times });
  }

  /** The answer for a created object: its own, or one queued by failAfterCreate (the post exists all the same). */
  private created(body: unknown): Reply {
    const lie = this.lies[0];
    if (!lie) return { status: 200, body };
    if (--lie.times <= 0) this.lies.shift();
    return lie.reply;
  }

  /** What every post must pass: the permissions, a policy block (368). */
  private refuse(c: PostContext): Reply | undefined {
    // "requires both pages_read_engagement and pages_manage_posts" (the observed 200 wording; Pages overview lists pages_manage_posts for POST /{page-id}/feed).
    if (c.token.type !== "PAGE" || !c.token.scopes.includes("pages_manage_posts") || !c.token.scopes.includes("pages_read_engagement")) return ERRORS.postPermission();
    if ((this.blocked.get(c.page.id) ?? 0) > c.now) return ERRORS.blocked();
    return undefined;
  }

  private store(c: PostContext, fields: Partial<StoredPost>): StoredPost {
    const post: StoredPost = { id: `${c.page.id}_${this.postIds()}`, pageId: c.page.id, published: c.params.published !== "false", createdTime: new Date(c.now).toISOString().replace(/\.\d{3}Z$/, "+0000"), version: c.version, ...fields };
    this.posts.push(post);
    return post;
  }

  /** POST /{page-id}/feed: `message`, `link`, `published` (Page Posts guide) → `{ "id": "page_post_id" }`. */
  feed(c: PostContext): Reply {
    const refused = this.refuse(c);
    if (refused) return refused;
    const { message, link } = c.params;
    if (!message && !link) return ERRORS.missingContent();
    if (message !== undefined && message.length > MESSAGE_LIMIT) return ERRORS.invalidParam(`message is longer than ${MESSAGE_LIMIT} characters`);
    if (link !== undefined && !isUrl(link)) return ERRORS.invalidParam("link is not a valid URL");
    if (link !== undefined && this.unscrapable(link)) return ERRORS.scrape();
    // 506 "Duplicate posts cannot be published consecutively" (Handling Errors): the same as the Page's latest post.
    const last = this.posts.filter((p) => p.pageId === c.page.id).at(-1);
    if (last && (last.message ?? "") === (message ?? "") && last.link === link) return ERRORS.duplicate();
    const post = this.store(c, { ...(message ? { message } : {}), ...(link ? { link } : {}) });
    return this.created({ id: post.id });
  }

  /**
   * POST /{page-id}/photos: `url` or a multipart `source` ("Either this or `url` field is required,
   * but both should not be used together", Event photos edge, v18.0 copy), `caption` (`message`
   * is its deprecated alias), `alt_text_custom` → `{ "id": "photo_id", "post_id": "page_post_id" }`.
   */
  async photo(c: PostContext, source: { bytes: Buffer; type: string } | undefined): Promise<Reply> {
    const refused = this.refuse(c);
    if (refused) return refused;
    const { url } = c.params;
    if (url !== undefined && source) return ERRORS.invalidParam("url and source cannot be used together");
    if (url !== undefined && !isUrl(url)) return ERRORS.invalidParam("url should represent a valid URL");
    const image = source ?? (url !== undefined ? await this.fetchImage(url) : undefined);
    if (!image || !/^image\/(jpeg|png|gif|bmp|tiff|webp|heif)$/.test(image.type)) return ERRORS.badImage();
    if (image.bytes.length >= PHOTO_MAX_BYTES) return ERRORS.invalidParam("a photo must be less than 10MB in size"); // code unconfirmed
    const caption = c.params.caption ?? c.params.message;
    if (caption !== undefined && caption.length > MESSAGE_LIMIT) return ERRORS.invalidParam(`caption is longer than ${MESSAGE_LIMIT} characters`);
    const photoId = this.photoIds();
    const post = this.store(c, { ...(caption ? { message: caption } : {}), photoId });
    const photo: StoredPhoto = { id: photoId, pageId: c.page.id, postId: post.id, bytes: image.bytes.length, type: image.type };
    if (url !== undefined) photo.url = url;
    if (caption !== undefined) photo.caption = caption;
    if (c.params.alt_text_custom !== undefined) photo.altText = c.params.alt_text_custom;
    this.photos.push(photo);
    return this.created({ id: photoId, post_id: post.id });
  }

  /** GET /{id} of a post or photo of the token's Page (read-after-write). */
  read(id: string, c: Omit<PostContext, "page"> & { pageId: string }): Reply {
    const post = this.posts.find((p) => p.id === id && p.pageId === c.pageId);
    if (post) return { status: 200, body: postEntity(post) };
    const photo = this.photos.find((p) => p.id === id && p.pageId === c.pageId);
    if (photo) return { status: 200, body: { id: photo.id, ...(photo.caption ? { name: photo.caption } : {}), ...(photo.altText ? { alt_text_custom: photo.altText } : {}) } };
    return unsupported("GET", id);
  }

  /** GET /{page-id}/feed → `{ "data": [ { created_time, message, id } ] }`, newest first (Page Posts guide). */
  list(pageId: string): Reply {
    return { status: 200, body: { data: this.posts.filter((p) => p.pageId === pageId).reverse().map(postEntity) } };
  }

  /** DELETE /{page_post_id} → `{ "success": true }` (Page Posts guide). Loopback choice: a photo post takes its photo along, and vice versa. */
  remove(id: string, c: { token: GraphToken }): Reply {
    if (!c.token.scopes.includes("pages_manage_posts")) return ERRORS.postPermission();
    const photo = this.photos.find((p) => p.id === id && p.pageId === c.token.pageId);
    const postId = photo ? photo.postId : id;
    const i = this.posts.findIndex((p) => p.id === postId && p.pageId === c.token.pageId);
    if (i < 0) return unsupported("DELETE", id);
    const [post] = this.posts.splice(i, 1);
    const j = this.photos.findIndex((p) => p.postId === post?.id);
    if (j >= 0) this.photos.splice(j, 1);
    return { status: 200, body: { success: true } };
  }
}

function postEntity(p: StoredPost): Record<string, unknown> {
  return { created_time: p.createdTime, ...(p.message !== undefined ? { message: p.message } : {}), ...(p.link ? { link: p.link } : {}), id: p.id };
}
