// The Graph API error object as Meta documents it, and the errors this loopback answers with.
// Shape: https://developers.facebook.com/docs/graph-api/guides/error-handling (undated; read
// 2026-12 via the Markdown copy in nermalcat69/meta-business-api) — message, type, code,
// error_subcode, error_user_title, error_user_msg, fbtrace_id. `is_transient` comes from the sample
// on https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
// ("Updated: Jun 2, 2026"), whose table gives HTTP 400 for every Instagram publishing error.
import type { Reply } from "../harness.js";

export interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id: string;
}

let trace = 0;
/** fbtrace_id: "Internal support identifier" (error-handling page); any opaque string. */
const nextTrace = (): string => `AlOOPbAcK${(++trace).toString(36).padStart(6, "0")}`;

export function graphError(code: number, message: string, extra: Partial<Omit<GraphError, "code" | "message" | "fbtrace_id">> = {}, status = 400): Reply {
  const error: GraphError = { message, type: extra.type ?? "OAuthException", code, ...extra, fbtrace_id: nextTrace() };
  return { status, body: { error } };
}

/**
 * The Instagram publishing errors this loopback reproduces, from the error-codes table: HTTP 400,
 * code, subcode and `error_user_msg` (the table's "User Message" column) as printed there, `{…}`
 * filled in. The table gives no `message`: only the sample's (36000/2207004, "The image size is too
 * large.") is Meta's; 9007's "Media ID is not available" is what third parties observe
 * (github.com/exileum/meta-mcp/issues/138, 2026-04); the other messages and titles are the
 * loopback's choice. Crier classifies by code and subcode only.
 */
export const IG = {
  downloadTimeout: () => graphError(-2, "It takes too long to download the media.", { error_subcode: 2207003, is_transient: true, error_user_title: "Timeout", error_user_msg: "It takes too long to download the media." }),
  expired: () => graphError(-2, "The media you are trying to access has expired. Please try to upload again.", { error_subcode: 2207020, is_transient: false, error_user_title: "Media expired", error_user_msg: "The media you are trying to access has expired. Please try to upload again." }),
  quota: () => graphError(9, "Application request limit reached", { error_subcode: 2207042, is_transient: false, error_user_title: "Max posts reached", error_user_msg: "You reached maximum number of posts that is allowed to be published by Content Publishing API." }),
  builderMissing: (id: string) => graphError(24, "The media builder does not exist", { error_subcode: 2207008, is_transient: true, error_user_title: "Media builder expired", error_user_msg: `The media builder with creation id = ${id} does not exist or has been expired.` }),
  tooManyTags: (n: number) => graphError(100, "Invalid parameter", { error_subcode: 2207040, is_transient: false, error_user_title: "Too many tags", error_user_msg: `Cannot use more than 20 tags per created media. This media has ${n}.` }),
  fetchFailed: (uri: string) => graphError(9004, "Only photo or video can be accepted as media type.", { error_subcode: 2207052, is_transient: false, error_user_title: "Media download has failed", error_user_msg: `The media could not be fetched from this uri: ${uri}` }),
  notReady: () => graphError(9007, "Media ID is not available", { error_subcode: 2207027, is_transient: false, error_user_title: "Media not ready", error_user_msg: "The media is not ready for publishing, please wait for a moment" }),
  tooLarge: () => graphError(36000, "The image size is too large.", { error_subcode: 2207004, is_transient: false, error_user_title: "Image size too large", error_user_msg: "The image is too large to download. It should be less than 8 MiB." }),
  format: (format: string) => graphError(36001, "Invalid image format", { error_subcode: 2207005, is_transient: false, error_user_title: "Unsupported format", error_user_msg: `The image format ${format} is not supported. Supported formats are: JPEG.` }),
  aspectRatio: (ratio: string) => graphError(36003, "Invalid aspect ratio", { error_subcode: 2207009, is_transient: false, error_user_title: "Aspect ratio not supported", error_user_msg: `The submitted image with aspect ratio ${ratio} cannot be published. Please submit an image with a valid aspect ratio.` }),
  captionTooLong: (n: number) => graphError(36004, "Invalid caption", { error_subcode: 2207010, is_transient: false, error_user_title: "Caption too long", error_user_msg: `The submitted image's caption was ${n} characters long. The maximum number of characters permitted for a caption is 2200. Please submit media with a shorter caption.` }),
};

/** Graph's general codes (error-handling page): 190 token, 10 permission, 100 invalid parameter. */
export const GRAPH = {
  // "190 Access token has expired"; subcode 463 "Expired", 467 "Invalid Access Token".
  invalidToken: () => graphError(190, "Invalid OAuth access token - Cannot parse access token", { error_subcode: 467 }),
  expiredToken: () => graphError(190, "Error validating access token: Session has expired.", { error_subcode: 463 }),
  // "10 API Permission Denied: Permission is either not granted or has been removed."
  permission: (scope: string) => graphError(10, `Application does not have permission for this action (${scope})`),
  // loopback choice (Graph's usual GraphMethodException wording, not in the research): a node the token cannot reach.
  noSuchObject: (id: string, verb: "get" | "post") =>
    graphError(100, `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { type: "GraphMethodException", error_subcode: 33 }),
  invalidParameter: (what: string) => graphError(100, `(#100) ${what}`),
  // loopback choice: unknown paths and versions (Graph's code 2500 wording; unconfirmed for graph.instagram.com).
  unknownPath: (path: string) => graphError(2500, `Unknown path components: ${path}`),
  // https://developers.facebook.com/docs/graph-api/overview/rate-limiting: BUC code 80002 is Instagram's.
  // The wording follows the page's 80001 sample; the HTTP status (400) is the loopback's choice.
  throttled: () => graphError(80002, "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."),
};
