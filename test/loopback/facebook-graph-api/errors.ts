// Graph API error objects, shaped exactly as Handling Errors documents them
// (https://developers.facebook.com/docs/graph-api/guides/error-handling, undated copy read Dec 2026):
// { "error": { "message", "type", "code", "error_subcode", "error_user_title", "error_user_msg",
// "fbtrace_id" } }. Meta documents no HTTP status for Graph errors; the Instagram error table lists
// 400 for every row (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes,
// "Updated: Jun 2, 2026"), so the loopback answers 400, and 500 for codes 1 and 2 (observed).
// Message wordings marked "observed" come from real answers quoted in public issues, not from Meta.
import type { Reply } from "../harness.js";

export interface GraphErrorSpec {
  code: number;
  message: string;
  subcode?: number;
  type?: string;
  transient?: boolean;
  status?: number;
}

let trace = 0;
/** An `fbtrace_id`: "Internal support identifier" (Handling Errors); opaque, 11+ characters. */
export function fbtraceId(): string {
  trace += 1;
  return `A${Buffer.from(`fbtrace-${trace}`).toString("base64url")}`.slice(0, 16);
}

export function graphError(spec: GraphErrorSpec): Reply {
  const error: Record<string, unknown> = { message: spec.message, type: spec.type ?? "OAuthException", code: spec.code };
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode;
  if (spec.transient !== undefined) error.is_transient = spec.transient;
  error.fbtrace_id = fbtraceId();
  return { status: spec.status ?? (spec.code === 1 || spec.code === 2 ? 500 : 400), body: { error } };
}

/** Observed: "(#100) … does not exist, cannot be loaded due to missing permissions, or does not support this operation" with subcode 33. */
export const unsupported = (method: string, id: string): Reply =>
  graphError({
    code: 100, subcode: 33, type: "GraphMethodException",
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

export const ERRORS = {
  // Observed: an unknown version or path (https://github.com/arsduo/koala/issues/611: code 2500, HTTP 400).
  unknownPath: (rest: string) => graphError({ code: 2500, message: `Unknown path components: ${rest}` }),
  // Observed wording (code 104 is not in Meta's table).
  tokenRequired: () => graphError({ code: 104, message: "An access token is required to request this resource." }),
  // 190 "Access token has expired" with the Authentication Error Subcodes (Handling Errors); wordings observed.
  invalidToken: () => graphError({ code: 190, message: "Invalid OAuth access token - Cannot parse access token" }),
  expiredToken: (expiredAt: number, now: number) =>
    graphError({ code: 190, subcode: 463, message: `Error validating access token: Session has expired on ${new Date(expiredAt).toUTCString()}. The current time is ${new Date(now).toUTCString()}.` }),
  invalidatedToken: (subcode: number) => graphError({ code: 190, subcode, message: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons." }),
  // Secure Graph API Calls documents appsecret_proof; the wordings are observed.
  proofRequired: () => graphError({ code: 100, type: "GraphMethodException", message: "API calls from the server require an appsecret_proof argument" }),
  proofInvalid: () => graphError({ code: 100, type: "GraphMethodException", message: "Invalid appsecret_proof provided in the API argument" }),
  // 10 "API Permission Denied", 200-299 "API Permission" (Handling Errors); wordings observed.
  readPermission: () => graphError({ code: 10, message: "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature." }),
  postPermission: () => graphError({ code: 200, message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission" }),
  // Rate Limits (https://developers.facebook.com/docs/graph-api/overview/rate-limiting): the samples verbatim.
  pageThrottled: () => graphError({ code: 80001, message: "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting." }),
  userThrottled: () => graphError({ code: 32, message: "(#32) Page request limit reached" }),
  // 368 "Temporarily blocked for policies violations" (Handling Errors); wording from the Photo reference's error table.
  blocked: () => graphError({ code: 368, message: "(#368) The action attempted has been deemed abusive or is otherwise disallowed" }),
  // 506 "Duplicate Post" (Handling Errors); wording observed.
  duplicate: () => graphError({ code: 506, message: "(#506) Duplicate status message" }),
  // 1609005 "Error Posting Link" (Handling Errors).
  scrape: () => graphError({ code: 1609005, message: "Error Posting Link: There was a problem scraping data from the provided link." }),
  // 100 "Invalid parameter" (Photo reference error table); the wordings are the loopback's, except "Missing message or attachment" (observed).
  missingContent: () => graphError({ code: 100, message: "(#100) Missing message or attachment" }),
  invalidParam: (what: string) => graphError({ code: 100, message: `(#100) Invalid parameter: ${what}` }),
  nonexistingField: (field: string, node: string) => graphError({ code: 100, message: `(#100) Tried accessing nonexisting field (${field}) on node type (${node})` }),
  // 324: observed "(#324) Missing or invalid image file" when Facebook cannot use the photo.
  badImage: () => graphError({ code: 324, message: "(#324) Missing or invalid image file" }),
  // Observed: what debug_token answers without an app token (https://github.com/logly/mureo/pull/744).
  appTokenRequired: () => graphError({ code: 100, message: "(#100) You must provide an app access token, or a user access token that is an owner or developer of the app" }),
  // Handling Errors: 2 "API Service: Temporary issue due to downtime"; observed with is_transient (https://github.com/restfb/restfb/issues/650).
  service: () => graphError({ code: 2, transient: true, message: "An unexpected error has occurred. Please retry your request later." }),
} as const;
