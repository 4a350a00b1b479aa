// Posts and images of the loopback.
// - Create: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
//   (li-lms-2024-07, read 2026-12): 201, no body, the URN in `x-restli-id`; fields per …/shares/post-api-schema
//   ("PUBLISHED is the only accepted field during creation"; visibility PUBLIC|CONNECTIONS|LOGGED_IN|CONTAINER;
//   feedDistribution MAIN_FEED|NONE). Article title required ([S] posse_party#14). Commentary is little
//   text, stored as parsed, cut at the first unescaped reserved character (little.ts), and at most 3,000
//   characters counted on the stored text as Java does (UTF-16) ([S] n8n#22899).
// - Duplicates: the same author and text within 10 minutes → 422 DUPLICATE_POST, also after a delete
//   ([S] Arisamiga/Linkedin-RSS#5; [O·quote] ugc-post-api "Wait 10 minutes"; [S] composio#2710).
// - Delete: DELETE /rest/posts/{encoded urn} → 204, "idempotent" (204 again for a deleted post).
// - Images: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
//   (li-lms-2026-05): initializeUpload → {value:{uploadUrlExpiresAt, uploadUrl, image}}; PUT the bytes
//   with "a valid OAuth token" → 201; "JPG, GIF, and PNG formats" (else PROCESSING_FAILED).
import { sequentialIds } from "../harness-ids.js";
import type { RecordedRequest, Reply } from "../harness.js";
import { type Accounts, type Token } from "./accounts.js";
import { errors } from "./errors.js";
import { parseLittle, type Little } from "./little.js";

export interface StoredPost {
  urn: string;
  author: string;
  /** As sent (little text). */
  commentary: string;
  /** As LinkedIn keeps it. */
  stored: Little;
  article?: { source: string; title: string; description?: string; thumbnail?: string; thumbnailStatus?: ImageStatus };
  visibility: string;
  createdAt: number;
  version: string;
  deleted: boolean;
}

export type ImageStatus = "WAITING_UPLOAD" | "AVAILABLE" | "PROCESSING_FAILED";
export interface StoredImage { urn: string; owner: string; key: string; status: ImageStatus; bytes?: Buffer; contentType?: string; uploads: number }

const AUTHOR = /^urn:li:(person:[A-Za-z0-9_-]+|organization:\d+)$/;
const VISIBILITY = ["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"];
const DUPLICATE_WINDOW_MS = 10 * 60_000;
const MAX_COMMENTARY = 3_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function imageKind(bytes: Buffer): ImageStatus {
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const gif = bytes.subarray(0, 4).toString("latin1") === "GIF8";
  return jpeg || png || gif ? "AVAILABLE" : "PROCESSING_FAILED";
}

export class Content {
  readonly posts = new Map<string, StoredPost>();
  readonly images = new Map<string, StoredImage>();
  private readonly ids = sequentialIds(1);

  constructor(private readonly accounts: Accounts, private readonly now: () => number, private readonly base: () => string) {}

  /** The first problem with a create body, as LinkedIn words it, or undefined. */
  private invalid(b: Record<string, unknown>): Reply | undefined {
    if (typeof b.author !== "string" || !AUTHOR.test(b.author)) return errors.field("/author", "is not a person or organization URN");
    if (b.commentary !== undefined && typeof b.commentary !== "string") return errors.field("/commentary", "must be a string");
    if (typeof b.visibility !== "string" || !VISIBILITY.includes(b.visibility)) return errors.field("/visibility", "is not one of PUBLIC, CONNECTIONS, LOGGED_IN, CONTAINER");
    const feed = isObject(b.distribution) ? b.distribution.feedDistribution : undefined;
    if (feed !== "MAIN_FEED" && feed !== "NONE") return errors.field("/distribution/feedDistribution", "field is required but not found and has no default value");
    if (b.lifecycleState !== "PUBLISHED") return errors.field("/lifecycleState", "PUBLISHED is the only accepted value during creation");
    const article = isObject(b.content) ? b.content.article : undefined;
    if (b.content === undefined) return undefined;
    if (!isObject(article)) return errors.field("/content", "only article content is served by the loopback");
    if (typeof article.source !== "string" || !/^https?:\/\/\S+$/.test(article.source)) return errors.field("/content/article/source", "is not a URL");
    if (typeof article.title !== "string") return errors.field("/content/article/title", "field is required but not found and has no default value");
    if (article.thumbnail !== undefined && (typeof article.thumbnail !== "string" || !/^urn:li:image:\S+$/.test(article.thumbnail))) return errors.field("/content/article/thumbnail", "is not an image URN");
    return undefined;
  }

  create(req: RecordedRequest, token: Token, version: string): Reply {
    if (!isObject(req.json)) return errors.field("/", "the body is not a JSON object");
    const b = req.json;
    const bad = this.invalid(b);
    if (bad) return bad;
    const author = b.author as string;
    if (!this.accounts.mayActFor(token, author)) return errors.accessDenied(`partnerApiPostsExternal.CREATE.${version}01`);
    const commentary = (b.commentary as string | undefined) ?? "";
    const stored = parseLittle(commentary);
    if (stored.text.length > MAX_COMMENTARY) return errors.commentaryTooLong(stored.text.length);
    const at = this.now();
    const twin = [...this.posts.values()].find((p) => p.author === author && p.stored.text === stored.text && at - p.createdAt < DUPLICATE_WINDOW_MS);
    if (twin) return errors.duplicate(twin.urn);
    const urn = `urn:li:share:7${this.ids().padStart(18, "0")}`;
    const post: StoredPost = { urn, author, commentary, stored, visibility: b.visibility as string, createdAt: at, version, deleted: false };
    const article = isObject(b.content) && isObject(b.content.article) ? b.content.article : undefined;
    if (article) {
      const thumbnail = article.thumbnail as string | undefined;
      post.article = { source: article.source as string, title: article.title as string, ...(typeof article.description === "string" ? { description: article.description } : {}) };
      if (thumbnail) Object.assign(post.article, { thumbnail, thumbnailStatus: this.images.get(thumbnail)?.status ?? "WAITING_UPLOAD" });
    }
    this.posts.set(urn, post);
    return { status: 201, headers: { "x-restli-id": urn } };
  }

  remove(req: RecordedRequest, token: Token, version: string): Reply {
    const post = this.posts.get(req.params.urn ?? "");
    if (!post) return errors.notFound(req.params.urn ?? "the post");
    if (!this.accounts.mayActFor(token, post.author)) return errors.accessDenied(`partnerApiPostsExternal.DELETE.${version}01`);
    post.deleted = true;
    return { status: 204 };
  }

  initializeUpload(req: RecordedRequest, token: Token, version: string): Reply {
    if (req.query.action !== "initializeUpload") return errors.field("/action", "only initializeUpload is served by the loopback");
    const request = isObject(req.json) && isObject(req.json.initializeUploadRequest) ? req.json.initializeUploadRequest : undefined;
    const owner = request?.owner;
    if (typeof owner !== "string" || !AUTHOR.test(owner)) return errors.field("/initializeUploadRequest/owner", "field is required but not found and has no default value");
    if (!this.accounts.mayActFor(token, owner)) return errors.accessDenied(`partnerApiImagesExternal.ACTION.${version}01`);
    const id = this.ids("image");
    const image: StoredImage = { urn: `urn:li:image:C4E10AQ${id.padStart(12, "0")}`, owner, key: `D4E10AQ${id.padStart(12, "0")}`, status: "WAITING_UPLOAD", uploads: 0 };
    this.images.set(image.urn, image);
    // uploadUrlExpiresAt: epoch ms as in the page's example; the lifetime is the loopback's choice (a day).
    return { status: 200, body: { value: { uploadUrlExpiresAt: this.now() + 86_400_000, uploadUrl: `${this.base()}/dms-uploads/${image.key}/uploaded-image/0`, image: image.urn } } };
  }

  upload(req: RecordedRequest): Reply {
    const token = this.accounts.authenticate(req);
    if ("status" in token) return token;
    const image = [...this.images.values()].find((i) => i.key === req.params.key);
    if (!image) return errors.notFound("the upload URL");
    Object.assign(image, { bytes: req.body, contentType: String(req.headers["content-type"] ?? ""), status: imageKind(req.body), uploads: image.uploads + 1 });
    return { status: 201 };
  }
}
