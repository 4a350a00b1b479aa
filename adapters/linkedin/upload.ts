/**
 * The thumbnail through the Images API
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api,
 * li-lms-2026-05): `POST /rest/images?action=initializeUpload` with
 * `{"initializeUploadRequest":{"owner": <author>}}` → `{"value":{"uploadUrl","uploadUrlExpiresAt","image"}}`,
 * then `PUT <uploadUrl>` with the bytes: "The upload call requires a valid OAuth token in the
 * 'Authorization' header" → 201. The image URN then goes in `content.article.thumbnail`.
 * Network I/O.
 */
import type { AttachedImage } from "../../src/core/index.js";
import { LinkedInImageError } from "./classify.js";
import type { LinkedInClient } from "./client.js";
import { isOrganization } from "./config.js";

interface InitializeAnswer {
  value: { uploadUrl: string; uploadUrlExpiresAt?: number; image: string };
}

/** The token goes only to LinkedIn's own hosts (or the configured API origin: a proxy, the loopback). */
function trusted(uploadUrl: string, apiBase: string): boolean {
  try {
    const url = new URL(uploadUrl);
    return url.origin === new URL(apiBase).origin || (url.protocol === "https:" && /(^|\.)linkedin\.com$/.test(url.hostname));
  } catch {
    return false;
  }
}

/**
 * Uploads the thumbnail and returns its image URN. @throws LinkedInImageError (nothing was posted;
 * the core retries the image a few times, then posts without it).
 */
export async function uploadThumbnail(client: LinkedInClient, image: AttachedImage, signal: AbortSignal): Promise<string> {
  const owner = client.cfg.author;
  let answer: InitializeAnswer;
  try {
    const route = `/rest/images?action=initializeUpload${isOrganization(owner) ? " (owner: organization)" : ""}`;
    answer = (await client.rest<InitializeAnswer>("POST", "/rest/images", { signal, query: { action: "initializeUpload" }, json: { initializeUploadRequest: { owner } }, route })).body;
  } catch (err) {
    throw new LinkedInImageError("initializeUpload", err);
  }
  const uploadUrl = answer?.value?.uploadUrl;
  const urn = answer?.value?.image;
  if (typeof uploadUrl !== "string" || typeof urn !== "string") throw new LinkedInImageError("initializeUpload", new Error("no uploadUrl or image in LinkedIn's answer"));
  if (!trusted(uploadUrl, client.cfg.apiBase)) {
    const host = /^[a-z]+:\/\/([^/?#]*)/i.exec(uploadUrl)?.[1] ?? uploadUrl.slice(0, 40);
    throw new LinkedInImageError("upload", new Error("untrusted upload URL"), `LinkedIn gave an upload URL outside linkedin.com (${host}); the token is not sent there`);
  }
  try {
    await client.putBytes(uploadUrl, image, signal);
  } catch (err) {
    throw new LinkedInImageError("upload", err);
  }
  return urn;
}
