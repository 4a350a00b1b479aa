// Error answers in the Graph API's shape, which Threads uses: { error: { message, type, code,
// error_subcode?, error_user_title?, error_user_msg?, fbtrace_id } }
// (https://developers.facebook.com/docs/graph-api/guides/error-handling, undated). Meta documents no
// Threads error body; the codes and words below are each marked: "documented" (that page or a Threads
// page), "observed" (a public report of a real Threads answer), or "loopback choice".
import type { Reply } from "../harness.js";

let trace = 0;
export function graphError(code: number, message: string, extra: { subcode?: number; type?: string; userTitle?: string; userMsg?: string; status?: number; transient?: boolean } = {}): Reply {
  const error: Record<string, unknown> = { message, type: extra.type ?? "OAuthException", code };
  if (extra.subcode !== undefined) error.error_subcode = extra.subcode;
  if (extra.transient !== undefined) error.is_transient = extra.transient;
  if (extra.userTitle) error.error_user_title = extra.userTitle;
  if (extra.userMsg) error.error_user_msg = extra.userMsg;
  error.fbtrace_id = `Aloop${(++trace).toString(36).padStart(6, "0")}`;
  // The HTTP status of Graph errors is not documented; the Instagram error table lists 400 for all (loopback choice).
  return { status: extra.status ?? 400, body: { error } };
}

export const ERR = {
  // Handling Errors: 190 "Access token has expired … Get a new access token"; subcode 463 "Expired".
  // Words: as Graph answers them (observed across Graph APIs; unconfirmed on Threads).
  badToken: () => graphError(190, "Invalid OAuth access token - Cannot parse access token"),
  expiredToken: (at: number) => graphError(190, `Error validating access token: Session has expired on ${new Date(at).toUTCString()}.`, { subcode: 463 }),
  // Handling Errors: 10 "API Permission Denied" (the words: loopback choice).
  permission: (name: string) => graphError(10, `(#10) Application does not have permission for this action (${name})`),
  // Handling Errors: 100 "Invalid parameter" (the words of each: loopback choice unless noted).
  param: (message: string) => graphError(100, message, { type: "THApiException" }),
  // Observed: code 100 when a Threads text is over 500 (gesteves/denali#1285); words as quoted by third parties.
  textTooLong: () => graphError(100, "Param text must be at most 500 characters long.", { type: "THApiException" }),
  // Documented string (posts page, "Links"); where it sits in the object: loopback choice (message),
  // as one third-party test expects it (code 100, message THREADS_API__LINK_LIMIT_EXCEEDED).
  linkLimit: (n: number) => graphError(100, "THREADS_API__LINK_LIMIT_EXCEEDED", { type: "THApiException", userMsg: `This post has ${n} links; posts can have 5 or fewer.` }),
  // Graph's usual answer for an unknown or foreign id (subcode 33; loopback choice on Threads).
  noObject: (id: string) => graphError(100, `Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, { subcode: 33, type: "GraphMethodException" }),
  // Observed: publishing a container Threads has not finished (fbsamples/threads_api#70, code 24 subcode 4279009).
  mediaNotFound: (id: string) => graphError(24, "The requested resource does not exist", { subcode: 4279009, transient: false, userTitle: "Media Not Found", userMsg: `The media with id ${id} cannot be found.` }),
  // Observed: `status` asked of a published post's id (exileum/meta-mcp#143).
  noField: (field: string) => graphError(100, `Tried accessing nonexisting field (${field})`, { type: "THApiException" }),
  // Unconfirmed: Meta names no error for an exhausted quota; Handling Errors' 4 "API Too Many Calls" (loopback choice).
  quota: (what: string) => graphError(4, `(#4) ${what} limit reached`),
};
