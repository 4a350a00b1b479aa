// Media metadata, X API v2 (page read 2026-11-27):
//   POST /2/media/metadata   https://docs.x.com/x-api/media/create-media-metadata
// Body `{"id": "<media id>", "metadata": {...}}` (JSON). The member list of `metadata` and
// `alt_text.text` ("Description of media", max length 1000 characters) are the documented ones;
// the answer is `{"data":{"id","associated_metadata":{...}}}` as in the docs' sample response.
// Only `alt_text` is stored: the other members are checked to be objects and echoed.
import { invalidRequest, unknownField, wrongType } from "./problems.js";
import type { Reply, StoredMedia } from "./types.js";

/** Members of `metadata` in the documented request body. */
const METADATA_FIELDS = new Set([
  "allow_download_status", "alt_text", "audience_policy", "content_expiration", "domain_restrictions", "found_media_origin",
  "geo_restrictions", "management_info", "preview_image", "sensitive_media_warning", "shared_info", "sticker_info", "upload_source",
]);
/** "Max length: 1000" for `metadata.alt_text.text`, counted in Unicode code points (JSON Schema maxLength). */
export const MAX_ALT_TEXT = 1000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/**
 * Sets metadata on a media the user uploaded. Loopback choices (not documented): the media need not
 * be finalized yet; an unknown or foreign id is a 400 naming `id`, like the upload endpoints.
 */
export function createMediaMetadata(media: StoredMedia[], userId: string, contentType: string, json: unknown): Reply {
  if (!/^application\/json/i.test(contentType) || json === undefined) return invalidRequest([{ message: "Request body must be a JSON object." }]);
  if (!isObject(json)) return wrongType("$", jsonType(json), "object");
  for (const key of Object.keys(json)) if (key !== "id" && key !== "metadata") return unknownField(`$.${key}`);
  const { id, metadata } = json;
  if (id === undefined) return invalidRequest([{ message: "$.id: is missing but it is required" }]);
  if (typeof id !== "string" || !/^[0-9]{1,19}$/.test(id)) {
    return invalidRequest([{ message: "$.id: does not match the regex pattern ^[0-9]{1,19}$" }]);
  }
  if (metadata !== undefined && !isObject(metadata)) return wrongType("$.metadata", jsonType(metadata), "object");
  const meta = metadata ?? {};
  for (const [key, value] of Object.entries(meta)) {
    if (!METADATA_FIELDS.has(key)) return unknownField(`$.metadata.${key}`);
    if (!isObject(value)) return wrongType(`$.metadata.${key}`, jsonType(value), "object");
  }
  let altText: string | undefined;
  if (meta.alt_text !== undefined) {
    const alt = meta.alt_text as Record<string, unknown>;
    for (const key of Object.keys(alt)) if (key !== "text") return unknownField(`$.metadata.alt_text.${key}`);
    if (alt.text === undefined) return invalidRequest([{ message: "$.metadata.alt_text.text: is missing but it is required" }]);
    if (typeof alt.text !== "string") return wrongType("$.metadata.alt_text.text", jsonType(alt.text), "string");
    if (Array.from(alt.text).length > MAX_ALT_TEXT) {
      return invalidRequest([{ message: `$.metadata.alt_text.text: must be at most ${MAX_ALT_TEXT} characters long` }]);
    }
    altText = alt.text;
  }
  const stored = media.find((m) => m.id === id && m.userId === userId);
  if (!stored) return invalidRequest([{ parameters: { id: [id] }, message: "The media_id is invalid." }]);
  if (altText !== undefined) stored.altText = altText;
  return { status: 200, body: { data: { id, associated_metadata: meta } } };
}
