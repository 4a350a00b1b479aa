// LinkedIn's error answers, as documented or observed (each with its source). The general shape:
// "message - A description of the error. serviceErrorCode - A subcode that further classifies the
// error. status - The type of error (status code)." with `code` added on versioned endpoints
// (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling).
import type { Reply } from "../harness.js";

const reply = (status: number, body: Record<string, unknown>, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });

export const errors = {
  /** [O] error-handling page: {"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401}. */
  emptyToken: () => reply(401, { message: "Empty oauth2_access_token", serviceErrorCode: 401, status: 401 }),
  /** [S] https://github.com/xcarpentier/react-native-linkedin/issues/80. */
  invalidToken: () => reply(401, { serviceErrorCode: 65600, message: "Invalid access token", status: 401 }),
  /** [S] quoted in public code (2024-2026): 65602 EXPIRED_ACCESS_TOKEN. */
  expiredToken: () => reply(401, { status: 401, serviceErrorCode: 65602, code: "EXPIRED_ACCESS_TOKEN", message: "The token used in the request has expired" }),
  /** [S] https://github.com/decioferreira/omniauth-linkedin-oauth2/issues/81 (2024-07-31). */
  revokedToken: () => reply(401, { status: 401, serviceErrorCode: 65601, code: "REVOKED_ACCESS_TOKEN", message: "The token used in the request has been revoked by the user" }),
  /** [S] shape of https://github.com/linkedin-developers/linkedin-api-python-client/issues/47 ("socialActionsV2.GET_ALL.20230401") and linkedin-api-js-client#35 ("me.GET.NO__VERSION"); resource names are the loopback's. */
  accessDenied: (resource: string) => reply(403, { status: 403, serviceErrorCode: 100, code: "ACCESS_DENIED", message: `Not enough permissions to access: ${resource}` }),
  /** [S] measured 2026-08-19 and quoted in public code: 400 VERSION_MISSING, with an X-Restli-Gateway-Error header (its value is the loopback's). */
  versionMissing: () => reply(400, { status: 400, code: "VERSION_MISSING", message: "A version must be present. Please specify a version by adding the LinkedIn-Version header." }, { "x-restli-gateway-error": "true" }),
  /** [S] https://github.com/n8n-io/n8n/issues/28967 (2026-04-23), https://github.com/ComposioHQ/composio/issues/4320 (2026-08-31): the version echoed as YYYYMM01. */
  nonexistentVersion: (version: string) => reply(426, { status: 426, code: "NONEXISTENT_VERSION", message: `Requested version ${version}01 is not active` }),
  /** Loopback choice: "All APIs require the request header X-Restli-Protocol-Version: 2.0.0" (posts-api); LinkedIn's answer without it is not documented. */
  restliMissing: () => reply(400, { status: 400, code: "ILLEGAL_ARGUMENT", message: "X-Restli-Protocol-Version: 2.0.0 is required" }),
  /** [S] shape of https://github.com/searlsco/posse_party/pull/14 (2025-12-31): {"message": "ERROR :: /content/article/title :: field is required but not found and has no default value\n", "status": 422}. */
  field: (path: string, problem: string) => reply(422, { message: `ERROR :: ${path} :: ${problem}\n`, status: 422 }),
  /** [S] https://github.com/n8n-io/n8n/issues/22899 (2025-12-07): LinkedIn's own statement of the 3,000-character limit. */
  commentaryTooLong: (length: number) =>
    reply(400, {
      errorDetailType: "com.linkedin.common.error.BadRequest",
      message: `com.linkedin.content.common.exception.BadRequestResponseException: ShareCommentary text length (${length} characters) exceeded the maximum allowed (3000 characters)`,
      errorDetails: { inputErrors: [{ description: "Size of array cannot be higher than the maxLength", input: {}, code: "FIELD_ARRAY_SIZE_TOO_HIGH" }] },
      status: 400,
    }),
  /** [S] https://github.com/Arisamiga/Linkedin-RSS/issues/5 (2023-12-14); [O·quote] ugc-post-api: "Wait 10 minutes for the duplicate restriction to expire". */
  duplicate: (urn: string) =>
    reply(422, {
      errorDetailType: "com.linkedin.common.error.BadRequest",
      message: `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${urn}`,
      errorDetails: { inputErrors: [{ description: "Duplicate post is detected", input: {}, code: "DUPLICATE_POST" }] },
      status: 422,
    }),
  /** [S] message quoted in public notes; [O] rate-limits page: 429, no Retry-After documented. Date is the loopback clock's. */
  throttled: (now: number) => reply(429, { status: 429, message: "Resource level throttle limit for calls to this resource is reached." }, { date: new Date(now).toUTCString() }),
  /** Loopback choice (no documented body): an unknown post. */
  notFound: (what: string) => reply(404, { status: 404, message: `${what} does not exist` }),
  /** OAuth endpoints answer OAuth errors: [S] https://github.com/linkedin-developers/java-sample-application/issues/6 ({"error":"invalid_request","error_description":…}); wording the loopback's. */
  oauth: (status: number, error: string, description: string) => reply(status, { error, error_description: description }),
};
