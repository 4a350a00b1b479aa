// Loopback Telegram Bot API server for Crier's tests: plain node:http on 127.0.0.1 only.
// Follows https://core.telegram.org/bots/api (each rule cites its section); see README.md here.
// It imports nothing from src/ or adapters/.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BotApiState } from "./methods.js";
import { ApiError, parseParams } from "./params.js";
import type { FaultAction, RecordedRequest, TelegramLoopback, TelegramLoopbackOptions } from "./types.js";

export type {
  ChatType,
  Entity,
  FaultAction,
  LoopbackChat,
  RecordedRequest,
  StoredMessage,
  TelegramLoopback,
  TelegramLoopbackOptions,
  UploadedFile,
} from "./types.js";

const HOST = "127.0.0.1";
const MAX_BODY = 60 * 1024 * 1024; // above the documented 50 MB upload limit (#sending-files / #senddocument)
// #authorizing-your-bot: "The token looks something like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
const TOKEN_RE = /^\d+:[A-Za-z0-9_-]+$/;
// #making-requests: "https://api.telegram.org/bot<token>/METHOD_NAME"
const PATH_RE = /^\/bot([^/]+)\/([^/]+)\/?$/;

interface Reply {
  status: number;
  payload: unknown;
}

/** #making-requests: {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":...,"parameters":...} */
function envelope(run: () => unknown): Reply {
  try {
    return { status: 200, payload: { ok: true, result: run() } };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const payload: Record<string, unknown> = { ok: false, error_code: err.status, description: err.description };
    if (err.parameters) payload.parameters = err.parameters;
    return { status: err.status, payload };
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const data = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  res.writeHead(status, { "content-type": "application/json", ...lower });
  res.end(data);
}

function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function startTelegramLoopback(opts: TelegramLoopbackOptions): Promise<TelegramLoopback> {
  for (const token of opts.tokens) {
    if (!TOKEN_RE.test(token)) throw new Error(`telegram loopback: malformed bot token ${JSON.stringify(token)}`);
  }
  const state = new BotApiState(opts);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waits = new Set<() => void>();
  let closing = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waits.add(done);
    });

  const answer = (rec: RecordedRequest, parseError: ApiError | undefined, match: RegExpExecArray | null): Reply => {
    // #making-requests: "We support GET and POST HTTP methods."
    if (rec.httpMethod !== "GET" && rec.httpMethod !== "POST") {
      return { status: 405, payload: { ok: false, error_code: 405, description: "Method Not Allowed" } };
    }
    return envelope(() => {
      if (!match) throw new ApiError(404, "Not Found");
      // #authorizing-your-bot: every request carries the bot's token; an unknown one is refused.
      if (!opts.tokens.includes(rec.token)) throw new ApiError(401, "Unauthorized");
      if (parseError) throw parseError;
      return state.call(rec.method, rec);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const match = PATH_RE.exec(url.pathname);
    const contentType = req.headers["content-type"] ?? "";
    const parsed =
      body === "too-large" ? { params: {}, files: {}, error: new ApiError(413, "Request Entity Too Large") } : parseParams(url, contentType, body);
    const rec: RecordedRequest = {
      method: match ? safeDecode(match[2] ?? "") : "",
      httpMethod: req.method ?? "",
      path: url.pathname,
      token: match ? safeDecode(match[1] ?? "") : "",
      contentType,
      params: parsed.params,
      files: parsed.files,
      receivedAt: state.now(),
    };
    requests.push(rec);
    const fault: FaultAction | undefined = opts.onRequest ? await opts.onRequest(rec) : undefined;
    if (closing) return void req.socket.destroy();
    if (fault?.kind === "status") return send(res, fault.status, fault.body, fault.headers);
    if (fault?.kind === "destroy-before") return void req.socket.destroy();
    if (fault?.kind === "delay") {
      await sleep(fault.ms);
      if (closing) return void req.socket.destroy();
    }
    const reply = answer(rec, parsed.error, match);
    if (fault?.kind === "destroy-after") return void req.socket.destroy();
    if (fault?.kind === "hang-after") return; // never answered; close() destroys the socket
    send(res, reply.status, reply.payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const description = `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`;
      send(res, 500, { ok: false, error_code: 500, description });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    requests,
    messages: state.messages,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const wake of [...waits]) wake();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
