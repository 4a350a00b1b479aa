// Error bodies exactly as X API v2 answers them (pages read 2026-11-27).
//
// Problem-details format (RFC 7807) and the v2 error catalogue:
//   https://docs.x.com/x-api/fundamentals/response-codes-and-errors
//   https://developer.x.com/en/support/x-api/error-troubleshooting
// Bodies whose wording is not printed in the docs were taken from responses
// observed by client code in the wild; each is marked "observed" below.

export interface ProblemResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface InvalidRequestError {
  message: string;
  parameters?: Record<string, unknown[]>;
}

/** Content type X uses for RFC 7807 problem bodies (OpenAPI: `application/problem+json`). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

const INVALID_REQUEST_TYPE = "https://api.twitter.com/2/problems/invalid-request";

/** 401 for any OAuth failure (observed body; docs: response-codes-and-errors, "401 Unauthorized"). */
export function unauthorized(): ProblemResponse {
  return {
    status: 401,
    body: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" },
  };
}

/** 400 invalid-request problem (docs: response-codes-and-errors, "Invalid Request" problem type). */
export function invalidRequest(errors: InvalidRequestError[]): ProblemResponse {
  return {
    status: 400,
    body: {
      errors,
      title: "Invalid Request",
      detail: "One or more parameters to your request was invalid.",
      type: INVALID_REQUEST_TYPE,
    },
  };
}

/** Unknown JSON member (message wording of X's JSON-schema validator; observed). */
export function unknownField(path: string): ProblemResponse {
  return invalidRequest([
    { message: `${path}: is not defined in the schema and the schema does not allow additional properties` },
  ]);
}

/** Wrong JSON type for a member (validator wording; observed). */
export function wrongType(path: string, found: string, expected: string): ProblemResponse {
  return invalidRequest([{ message: `${path}: ${found} found, ${expected} expected` }]);
}

/** Neither text nor media in POST /2/tweets (observed message). */
export function emptyTweet(): ProblemResponse {
  return invalidRequest([{ message: "Please include either text or media in your Tweet." }]);
}

/** Text over 280 weighted characters (observed message: 400 Bad Request). */
export function textTooLong(text: string): ProblemResponse {
  return invalidRequest([
    {
      parameters: { text: [text] },
      message:
        "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.",
    },
  ]);
}

/** Media ids not usable by this user (observed body with `parameters`). */
export function invalidMediaIds(ids: string[]): ProblemResponse {
  return invalidRequest([{ parameters: { "media.media_ids": ids }, message: "Your media IDs are invalid." }]);
}

/** 403 duplicate content (observed; brief-specified exact body). */
export function duplicateContent(): ProblemResponse {
  return {
    status: 403,
    body: {
      detail: "You are not allowed to create a Tweet with duplicate content.",
      type: "about:blank",
      title: "Forbidden",
      status: 403,
    },
  };
}

/** 403 generic forbidden problem, used for deleting someone else's post (wording not documented). */
export function forbidden(detail: string): ProblemResponse {
  return { status: 403, body: { detail, type: "about:blank", title: "Forbidden", status: 403 } };
}

/** 404 resource-not-found problem (docs: response-codes-and-errors, "Resource Not Found"). */
export function resourceNotFound(resourceType: string, parameter: string, value: string): ProblemResponse {
  return {
    status: 404,
    body: {
      errors: [
        {
          value,
          detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
          title: "Not Found Error",
          resource_type: resourceType,
          parameter,
          resource_id: value,
          type: "https://api.twitter.com/2/problems/resource-not-found",
        },
      ],
    },
  };
}

/** 429 problem (https://docs.x.com/fundamentals/rate-limits, checked 2026-12-06: "429 Too Many Requests"; the body is the one observed on v2, the page's example `{"errors":[{"code":88,…}]}` being v1.1's). */
export function tooManyRequests(): ProblemResponse {
  return {
    status: 429,
    body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 },
  };
}

/** Route that does not exist (X's classic "code 34" body). */
export function routeNotFound(): ProblemResponse {
  return { status: 404, body: { errors: [{ message: "Sorry, that page does not exist", code: 34 }] } };
}

/** Content type for a body: problem bodies (with `type` + `title`) use application/problem+json. */
export function contentTypeFor(body: unknown): string {
  if (body && typeof body === "object" && "title" in body && "type" in body) return PROBLEM_CONTENT_TYPE;
  return JSON_CONTENT_TYPE;
}
