/** A loopback feed server for tests: serves RSS per path, with ETag/conditional GET and faults. */
import http from "node:http";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";

export type FeedMode =
  | { kind: "ok" }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "raw"; body: string; contentType?: string }
  | { kind: "huge"; bytes: number }
  | { kind: "hang" }
  | { kind: "redirect-loop" };

export interface FeedServer {
  url: string;
  /** Sets a feed's XML body (mode ok). */
  setFeed(path: string, xml: string): void;
  setMode(path: string, mode: FeedMode): void;
  /** Extra response headers for a path's 200 and 304 answers (Cache-Control, Link, ...). */
  setHeaders(path: string, headers: Record<string, string>): void;
  /** Requests per path, with the status answered and when they arrived (epoch ms). */
  hits: Array<{ path: string; status: number; ifNoneMatch: string | null; userAgent: string | null; at: number }>;
  close(): Promise<void>;
}

export async function startFeedServer(opts: { gzip?: boolean; etag?: boolean } = {}): Promise<FeedServer> {
  const bodies = new Map<string, string>();
  const modes = new Map<string, FeedMode>();
  const extraHeaders = new Map<string, Record<string, string>>();
  const hits: FeedServer["hits"] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const record = (status: number): void => {
      hits.push({ path, status, ifNoneMatch: (req.headers["if-none-match"] as string) ?? null, userAgent: req.headers["user-agent"] ?? null, at: Date.now() });
    };
    const mode = modes.get(path) ?? { kind: "ok" };
    switch (mode.kind) {
      case "status":
        record(mode.status);
        res.writeHead(mode.status, { "content-type": "text/plain", ...mode.headers }).end("error");
        return;
      case "raw":
        record(200);
        res.writeHead(200, { "content-type": mode.contentType ?? "application/rss+xml" }).end(mode.body);
        return;
      case "huge": {
        record(200);
        res.writeHead(200, { "content-type": "application/rss+xml" });
        const chunk = Buffer.alloc(64 * 1024, "a");
        let sent = 0;
        const pump = (): void => {
          while (sent < mode.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      case "hang":
        record(0);
        return; // never answers; closed by close()
      case "redirect-loop":
        record(302);
        res.writeHead(302, { location: path }).end();
        return;
    }
    const xml = bodies.get(path);
    if (xml === undefined) {
      record(404);
      res.writeHead(404).end("not found");
      return;
    }
    const etag = `"${createHash("sha1").update(xml).digest("hex")}"`;
    if (opts.etag !== false && req.headers["if-none-match"] === etag) {
      record(304);
      res.writeHead(304, { etag, ...extraHeaders.get(path) }).end();
      return;
    }
    record(200);
    const headers: Record<string, string> = { "content-type": "application/rss+xml; charset=UTF-8", ...extraHeaders.get(path) };
    if (opts.etag !== false) headers.etag = etag;
    if (opts.gzip && /gzip/.test(String(req.headers["accept-encoding"]))) {
      headers["content-encoding"] = "gzip";
      res.writeHead(200, headers).end(gzipSync(xml));
    } else {
      res.writeHead(200, headers).end(xml);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFeed: (path, xml) => {
      bodies.set(path, xml);
      modes.set(path, { kind: "ok" });
    },
    setMode: (path, mode) => void modes.set(path, mode),
    setHeaders: (path, headers) => void extraHeaders.set(path, headers),
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
