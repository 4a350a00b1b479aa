/**
 * `GET /media/<name>` on the public listener: the exact bytes of an image a platform pulls by URL
 * (Instagram, Threads, TikTok), with its content type, while it is served. Anything else under
 * /media — a listing, another file, a path — is a plain 404: the source opens only names it made.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";

/** What the route serves from (the delivery's media shelf satisfies it). */
export interface MediaSource {
  /** The image under `name`, or null when there is none to serve now. May throw on I/O errors. */
  open(name: string, now: number): Promise<{ bytes: Buffer; mime: string } | null>;
}

export const MEDIA_PATH = "/media/";

export function registerMediaRoute(server: FastifyInstance, source: MediaSource, deps: { now: () => number; logger: Logger }): void {
  server.get<{ Params: { name: string } }>(`${MEDIA_PATH}:name`, async (req, reply) => {
    let image: { bytes: Buffer; mime: string } | null;
    try {
      image = await source.open(req.params.name, deps.now());
    } catch (err) {
      deps.logger.error({ err, path: req.url }, "a served image could not be read");
      return reply.code(500).type("text/plain").send("cannot read this image now\n");
    }
    if (!image) return reply.code(404).type("text/plain").send("not found\n");
    // no-transform: a proxy must not recompress what was fitted to the byte; nosniff: it is only ever an image.
    return reply.header("content-type", image.mime).header("cache-control", "no-store, no-transform").header("x-content-type-options", "nosniff").send(image.bytes);
  });
}
