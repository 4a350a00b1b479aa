/** A loopback web server for image tests: images, article pages with og:image, redirects, non-images; over https when asked. */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import sharp from "sharp";

export interface ImageServer {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** A real JPEG of the given size (a gradient so that it does not compress to nothing). */
export async function makeJpeg(width: number, height: number, quality = 90): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + Math.floor(i / (width * 3)) * 11) % 256;
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/**
 * `tls`: served over https as `https://localhost:<port>` with the test certificate (test/support/tls.ts):
 * the built CLI trusts it through NODE_EXTRA_CA_CERTS, the test process through `trustTestCa()`.
 */
export async function startImageServer(files: Record<string, { type: string; body: Buffer | string } | { redirect: string }>, opts: { tls?: { cert: Buffer; key: Buffer } } = {}): Promise<ImageServer> {
  const hits: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url ?? "/";
    hits.push(path);
    const file = files[path];
    if (!file) return void res.writeHead(404).end("not found");
    if ("redirect" in file) return void res.writeHead(302, { location: file.redirect }).end();
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  };
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: opts.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
