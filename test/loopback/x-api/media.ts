// Chunked media upload, X API v2 (pages read 2026-11-27):
//   POST /2/media/upload/initialize    https://docs.x.com/x-api/media/initialize-media-upload
//   POST /2/media/upload/{id}/append   https://docs.x.com/x-api/media/append-media-upload
//   POST /2/media/upload/{id}/finalize https://docs.x.com/x-api/media/finalize-media-upload
//   GET  /2/media/upload?command=STATUS&media_id=  https://docs.x.com/x-api/media/get-media-upload-status
// Size limits (Image 5 MB, GIF 15 MB, Video 512 MB): https://docs.x.com/x-api/media
import { invalidRequest, unknownField, wrongType } from "./problems.js";
import type { Reply, StoredMedia } from "./types.js";

/** `media_type` enum of the initialize request body. */
export const MEDIA_TYPES = [
  "video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt", "text/vtt",
  "image/jpeg", "image/gif", "image/bmp", "image/png", "image/webp", "image/pjpeg", "image/tiff",
  "model/gltf-binary", "model/vnd.usdz+zip",
] as const;
/** `media_category` enum of the initialize request body. */
export const MEDIA_CATEGORIES = [
  "amplify_video", "tweet_gif", "tweet_image", "tweet_video", "dm_gif", "dm_image", "dm_video", "subtitles",
] as const;
const MAX_TOTAL_BYTES = 17179869184; // "0 <= x <= 17179869184"
const EXPIRES_AFTER_SECS = 86400;
const MB = 1024 * 1024;

export function sizeLimitFor(mediaType: string): number {
  if (mediaType === "image/gif") return 15 * MB;
  if (mediaType.startsWith("image/")) return 5 * MB;
  if (mediaType.startsWith("video/")) return 512 * MB;
  return MAX_TOTAL_BYTES;
}

function mediaKeyPrefix(mediaType: string, category: string | undefined): string {
  if (category === "amplify_video") return "13";
  if (mediaType === "image/gif") return "16";
  if (mediaType.startsWith("video/")) return "7";
  return "3";
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Minimal RFC 7578 multipart/form-data parser (honours Content-Transfer-Encoding: base64). The
 * harness's parser (undici's `formData()`) reads a part without a filename as UTF-8 text, and
 * twitter-api-v2 sends the `media` segment exactly so (`name="media"`, no filename): its bytes
 * would not survive. So the append endpoint reads the raw body itself.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    pos += delimiter.length;
    const after = body.subarray(pos, pos + 2).toString("latin1");
    if (after === "--") return parts;
    if (after !== "\r\n") return undefined;
    pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) return undefined;
    const end = body.indexOf(nextDelimiter, headerEnd + 4);
    if (end < 0) return undefined;
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString("utf8").split("\r\n")) {
      const i = line.indexOf(":");
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get("content-disposition") ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    let data = body.subarray(headerEnd + 4, end);
    if (headers.get("content-transfer-encoding")?.toLowerCase() === "base64") {
      data = Buffer.from(data.toString("latin1"), "base64");
    }
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const partType = headers.get("content-type");
    parts.push({ name, data, ...(filename !== undefined ? { filename } : {}), ...(partType ? { contentType: partType } : {}) });
    pos = end + 2;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

interface UploadState {
  mediaKey: string;
  additionalOwners: string[];
  segments: Map<number, Buffer>;
}

export class MediaUploads {
  private readonly state = new Map<string, UploadState>();

  constructor(
    private readonly media: StoredMedia[],
    /** Ids as X makes them: the harness's snowflakeIds(X_SNOWFLAKE). */
    private readonly nextId: () => string,
  ) {}

  /** Media that `userId` may attach to a Post: owned (or additional owner) and finalized. */
  usableBy(userId: string, id: string): boolean {
    const m = this.media.find((x) => x.id === id);
    const s = this.state.get(id);
    return !!m && !!s && m.finalized && (m.userId === userId || s.additionalOwners.includes(userId));
  }

  initialize(userId: string, json: unknown): Reply {
    if (!isObject(json)) return wrongType("$", jsonType(json), "object");
    const allowed = new Set(["additional_owners", "media_category", "media_type", "shared", "total_bytes"]);
    for (const key of Object.keys(json)) if (!allowed.has(key)) return unknownField(`$.${key}`);
    const { media_type: mediaType, total_bytes: totalBytes, media_category: category } = json;
    if (mediaType === undefined) return invalidRequest([{ message: "$.media_type: is missing but it is required" }]);
    if (typeof mediaType !== "string" || !(MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      return invalidRequest([{ message: `$.media_type: does not have a value in the enumeration [${MEDIA_TYPES.join(", ")}]` }]);
    }
    if (totalBytes === undefined) return invalidRequest([{ message: "$.total_bytes: is missing but it is required" }]);
    if (typeof totalBytes !== "number" || !Number.isInteger(totalBytes)) return wrongType("$.total_bytes", jsonType(totalBytes), "integer");
    if (totalBytes < 0 || totalBytes > MAX_TOTAL_BYTES) {
      return invalidRequest([{ message: `$.total_bytes: must have a maximum value of ${MAX_TOTAL_BYTES}` }]);
    }
    if (category !== undefined && (typeof category !== "string" || !(MEDIA_CATEGORIES as readonly string[]).includes(category))) {
      return invalidRequest([{ message: `$.media_category: does not have a value in the enumeration [${MEDIA_CATEGORIES.join(", ")}]` }]);
    }
    const owners = json.additional_owners;
    if (owners !== undefined && (!Array.isArray(owners) || !owners.every((o) => typeof o === "string" && /^[0-9]{1,19}$/.test(o)))) {
      return wrongType("$.additional_owners", jsonType(owners), "array of user ids");
    }
    if (json.shared !== undefined && typeof json.shared !== "boolean") return wrongType("$.shared", jsonType(json.shared), "boolean");
    const limit = sizeLimitFor(mediaType);
    if (totalBytes > limit) {
      return invalidRequest([{ parameters: { total_bytes: [totalBytes] }, message: `File size exceeds ${limit} bytes.` }]);
    }
    const id = this.nextId();
    const mediaKey = `${mediaKeyPrefix(mediaType, category as string | undefined)}_${id}`;
    this.media.push({ id, userId, mediaType, totalBytes, bytes: Buffer.alloc(0), finalized: false });
    this.state.set(id, { mediaKey, additionalOwners: (owners as string[] | undefined) ?? [], segments: new Map() });
    return { status: 200, body: { data: { id, media_key: mediaKey, expires_after_secs: EXPIRES_AFTER_SECS } } };
  }

  private owned(userId: string, id: string): { m: StoredMedia; s: UploadState } | Reply {
    const m = this.media.find((x) => x.id === id && x.userId === userId);
    const s = this.state.get(id);
    if (!m || !s) return invalidRequest([{ parameters: { id: [id] }, message: "The media_id is invalid." }]);
    return { m, s };
  }

  append(userId: string, id: string, contentType: string, body: Buffer, json: unknown): Reply {
    const found = this.owned(userId, id);
    if ("status" in found) return found;
    const { m, s } = found;
    if (m.finalized) return invalidRequest([{ parameters: { id: [id] }, message: "The media upload was already finalized." }]);
    let chunk: Buffer | undefined;
    let segment: unknown;
    if (/^multipart\/form-data/i.test(contentType)) {
      const parts = parseMultipart(body, contentType);
      if (!parts) return invalidRequest([{ message: "Malformed multipart/form-data body." }]);
      for (const p of parts) {
        if (p.name === "media") chunk = p.data;
        else if (p.name === "segment_index") segment = p.data.toString("utf8").trim();
        else return unknownField(`$.${p.name}`);
      }
    } else if (isObject(json)) {
      for (const key of Object.keys(json)) if (key !== "media" && key !== "segment_index") return unknownField(`$.${key}`);
      if (json.media !== undefined && typeof json.media !== "string") return wrongType("$.media", jsonType(json.media), "string");
      if (typeof json.media === "string") chunk = Buffer.from(json.media, "base64");
      segment = json.segment_index;
    } else {
      return invalidRequest([{ message: "The request body must be multipart/form-data (or JSON) with media and segment_index." }]);
    }
    if (!chunk) return invalidRequest([{ message: "$.media: is missing but it is required" }]);
    const index = typeof segment === "string" && /^\d+$/.test(segment) ? Number(segment) : segment;
    if (index === undefined) return invalidRequest([{ message: "$.segment_index: is missing but it is required" }]);
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 999) {
      return invalidRequest([{ parameters: { segment_index: [String(segment)] }, message: "$.segment_index: must be an integer between 0 and 999" }]);
    }
    const next = new Map(s.segments).set(index, Buffer.from(chunk));
    const appended = [...next.values()].reduce((n, b) => n + b.length, 0);
    if (appended > m.totalBytes) {
      return invalidRequest([{ parameters: { total_bytes: [m.totalBytes] }, message: "Segments add up to more than the provided total file size." }]);
    }
    s.segments = next;
    m.bytes = Buffer.concat([...next.entries()].sort(([a], [b]) => a - b).map(([, b]) => b));
    return { status: 200, body: { data: { expires_at: Math.floor(Date.now() / 1000) + EXPIRES_AFTER_SECS } } };
  }

  finalize(userId: string, id: string): Reply {
    const found = this.owned(userId, id);
    if ("status" in found) return found;
    const { m, s } = found;
    if (!m.finalized) {
      const indices = [...s.segments.keys()].sort((a, b) => a - b);
      if (indices.some((v, i) => v !== i)) {
        return invalidRequest([{ parameters: { id: [id] }, message: "Segments are not contiguous from segment_index 0." }]);
      }
      if (m.bytes.length !== m.totalBytes) {
        return invalidRequest([{ parameters: { total_bytes: [m.totalBytes] }, message: "Segments do not add up to provided total file size." }]);
      }
      m.finalized = true;
    }
    return {
      status: 200,
      body: { data: { id, media_key: s.mediaKey, size: m.totalBytes, expires_after_secs: EXPIRES_AFTER_SECS } },
    };
  }

  status(userId: string, query: Record<string, string>): Reply {
    const id = query.media_id;
    if (!id) return invalidRequest([{ message: "The `media_id` query parameter can not be empty" }]);
    const found = this.owned(userId, id);
    if ("status" in found) return found;
    if (!found.m.finalized) return invalidRequest([{ parameters: { media_id: [id] }, message: "The media upload was not finalized." }]);
    return {
      status: 200,
      body: { data: { id, media_key: found.s.mediaKey, processing_info: { state: "succeeded", progress_percent: 100 } } },
    };
  }
}
