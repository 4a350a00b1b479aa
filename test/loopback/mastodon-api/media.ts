// POST /api/v2/media (https://docs.joinmastodon.org/methods/media/#v2, read 2026-12-06), and what
// POST /api/v1/statuses checks of `media_ids[]` before anything else (source: PostStatusService#validate_media!).
// The upload budget (rack_attack.rb `throttle_api_media`) is a harness limit rule in server.ts.
import type { RecordedRequest } from "../harness.js";
import { imageInfo } from "./image-info.js";
import { paramsOf } from "./params.js";
import type { MastodonLoopbackAccount, Reply, StoredMedia } from "./types.js";

/** MediaAttachment::IMAGE_LIMIT; docs /user/posting/#media (read 2026-12-06): "Images … up to 16MB". */
export const DEFAULT_IMAGE_SIZE_LIMIT = 16 * 1024 * 1024;
/** Attachmentable: images over 7680×4320 pixels are refused (announced as `image_matrix_limit`). */
export const DEFAULT_IMAGE_MATRIX_LIMIT = 33_177_600;
/** Docs /user/posting/#media: "GIF dimensions must be less than 1MP (1280x720)", static GIFs included. */
export const GIF_MATRIX_LIMIT = 921_600;
/** MediaAttachment::MAX_DESCRIPTION_LENGTH. */
export const MAX_DESCRIPTION_LENGTH = 1_500;
/** Status::MEDIA_ATTACHMENTS_LIMIT, announced as `configuration.statuses.max_media_attachments`. */
export const MAX_MEDIA_ATTACHMENTS = 4;

export interface MediaRules {
  base: string;
  imageSizeLimit: number;
  imageMatrixLimit: number;
  processingMs: number;
  /** MediaAttachment ids (the harness's sequential ids). */
  nextId: () => string;
}

/** Api::BaseController renders ActiveRecord::RecordInvalid and Mastodon::ValidationError as 422 `{"error": message}`. */
const unprocessable = (error: string): Reply => ({ status: 422, body: { error } });

/** Rails' number_to_human_size for whole MB, as Paperclip words its size error. */
const humanSize = (bytes: number): string => (bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MB` : `${bytes} Bytes`);

export class MediaStore {
  constructor(readonly all: StoredMedia[], private readonly rules: MediaRules) {}

  /** POST /api/v2/media with `file` and `description` (multipart); `thumbnail` and `focus` are ignored (loopback choice). */
  create(a: MastodonLoopbackAccount, rec: RecordedRequest, now: number): Reply {
    const file = rec.multipart?.files.file;
    if (!file || file.bytes.length === 0) return unprocessable("Validation failed: File can't be blank"); // validates :file, presence
    // Paperclip detects the type from the bytes: a declared image/jpeg that is not one is refused (docs, 422).
    const info = imageInfo(file.bytes);
    if (!info) return unprocessable("Validation failed: File content type is invalid, File is invalid");
    if (file.bytes.length > this.rules.imageSizeLimit) {
      return unprocessable(`Validation failed: File file size must be less than ${humanSize(this.rules.imageSizeLimit)}`); // validates_attachment_size
    }
    const matrix = info.mime === "image/gif" ? GIF_MATRIX_LIMIT : this.rules.imageMatrixLimit;
    if (info.width * info.height > matrix) return unprocessable(`${info.width}x${info.height} images are not supported`); // Attachmentable#check_image_dimension
    const param = paramsOf(rec).description;
    const description = typeof param === "string" && param !== "" ? param : null;
    if (description !== null && Array.from(description).length > MAX_DESCRIPTION_LENGTH) {
      return unprocessable(`Validation failed: Description is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`);
    }
    const media: StoredMedia = {
      id: this.rules.nextId(),
      accountId: a.id,
      bytes: file.bytes,
      mimeType: info.mime,
      width: info.width,
      height: info.height,
      description,
      statusId: null,
      readyAt: now + this.rules.processingMs,
      createdAt: now,
    };
    this.all.push(media);
    // Api::V2::MediaController#status_from_media_processing: 202 while not processed, else 200.
    return { status: media.readyAt > now ? 202 : 200, body: this.entity(media, now) };
  }

  /**
   * The attachments `media_ids` names, or the 422 PostStatusService raises: more than the limit,
   * one that is not the caller's own unattached upload, or one still processing. Not an array: none.
   */
  resolve(a: MastodonLoopbackAccount, raw: unknown, now: number): StoredMedia[] | Reply {
    if (!Array.isArray(raw) || raw.length === 0) return [];
    const ids = raw.map(String);
    if (ids.length > MAX_MEDIA_ATTACHMENTS) return unprocessable(`Cannot attach more than ${MAX_MEDIA_ATTACHMENTS} files`);
    const found = ids.map((id) => this.all.find((m) => m.id === id && m.accountId === a.id && m.statusId === null));
    const missing = ids.filter((_id, i) => !found[i]);
    if (missing.length) return unprocessable(`Media ${missing.join(", ")} not found or already attached to another post`);
    const media = found as StoredMedia[];
    if (media.some((m) => m.readyAt > now)) return unprocessable("Cannot attach files that have not finished processing. Try again in a moment!");
    return media;
  }

  /** The entities of a status's attachments, in order. */
  entities(ids: readonly string[], now: number): Array<Record<string, unknown>> {
    return ids.flatMap((id) => {
      const m = this.all.find((x) => x.id === id);
      return m ? [this.entity(m, now)] : [];
    });
  }

  /** https://docs.joinmastodon.org/entities/MediaAttachment/ (read 2026-12-06): `url` null while processing (docs, 202); no blurhash (loopback choice). */
  entity(m: StoredMedia, now: number): Record<string, unknown> {
    const file = `${m.id}.${m.mimeType.slice("image/".length)}`;
    const at = (style: string) => `${this.rules.base}/system/media_attachments/files/${style}/${file}`;
    return {
      id: m.id,
      type: "image",
      url: m.readyAt > now ? null : at("original"),
      preview_url: at("small"),
      remote_url: null,
      preview_remote_url: null,
      text_url: null,
      meta: { original: { width: m.width, height: m.height, size: `${m.width}x${m.height}`, aspect: m.width / m.height } },
      description: m.description,
      blurhash: null,
    };
  }
}
