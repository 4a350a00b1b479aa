// Loopback Telegram Bot API server for Crier's tests, on the shared harness (../harness.ts: 127.0.0.1
// only, recording, faults). Follows https://core.telegram.org/bots/api, read 2026-12-06 (Bot API
// 10.2 of July 14, 2026); each rule cites its section, and README.md lists them. Imports nothing
// from src/ or adapters/.
import { startHarness, type RecordedRequest, type Reply } from "../harness.js";
import { BotApiState } from "./methods.js";
import { ApiError, callOf } from "./params.js";
import type { BotApiCall, TelegramLoopback, TelegramLoopbackOptions } from "./types.js";

export type * from "./types.js";

const MAX_BODY = 60 * 1024 * 1024; // above the documented 50 MB upload limit (#sending-files)
// #authorizing-your-bot: "The token looks something like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
const TOKEN_RE = /^\d+:[A-Za-z0-9_-]+$/;

/** #making-requests: {"ok":true,"result":...}, or {"ok":false,"error_code":N,"description":...,"parameters"?} with HTTP status N. */
function envelope(run: () => unknown): Reply {
  try {
    return { status: 200, body: { ok: true, result: run() } };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, body: { ok: false, error_code: err.status, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) } };
  }
}

export async function startTelegramLoopback(opts: TelegramLoopbackOptions): Promise<TelegramLoopback> {
  for (const token of opts.tokens) {
    if (!TOKEN_RE.test(token)) throw new Error(`telegram loopback: malformed bot token ${JSON.stringify(token)}`);
  }
  const state = new BotApiState(opts);
  const decoded = new WeakMap<RecordedRequest, ReturnType<typeof callOf>>();
  const decode = (rec: RecordedRequest): ReturnType<typeof callOf> => {
    let found = decoded.get(rec);
    if (!found) decoded.set(rec, (found = callOf(rec)));
    return found;
  };
  const callOfRec = (rec: RecordedRequest): BotApiCall => decode(rec).call;

  const answer = (rec: RecordedRequest): Reply => {
    // #making-requests: "We support GET and POST HTTP methods."
    if (rec.method !== "GET" && rec.method !== "POST") return { status: 405, body: { ok: false, error_code: 405, description: "Method Not Allowed" } };
    return envelope(() => {
      // #making-requests: "https://api.telegram.org/bot<token>/METHOD_NAME"
      if (rec.route === undefined) throw new ApiError(404, "Not Found");
      const { call, error } = decode(rec);
      // #authorizing-your-bot: every request carries the bot's token; an unknown one is refused.
      if (!opts.tokens.includes(call.token)) throw new ApiError(401, "Unauthorized");
      if (error) throw error;
      return state.call(call.method, call);
    });
  };

  const h = await startHarness({
    now: state.now,
    maxBodyBytes: MAX_BODY,
    tooLarge: () => envelope(() => {
      throw new ApiError(413, "Request Entity Too Large");
    }),
    notFound: answer,
    internalError: (err) => ({ status: 500, body: { ok: false, error_code: 500, description: `Internal Server Error: ${err instanceof Error ? err.message : String(err)}` } }),
    ...(opts.onRequest ? { onRequest: (rec: RecordedRequest) => opts.onRequest?.(callOfRec(rec)) } : {}),
  });
  h.route("*", "/bot:token/:method", answer);

  return {
    url: h.url,
    get requests() {
      return h.requests.map(callOfRec);
    },
    messages: state.messages,
    harness: h,
    close: () => h.close(),
  };
}
