/**
 * The HTTP listener of `crier run` (fastify): WebSub callbacks today, and the place where later
 * operator endpoints register. Off unless something needs it. The root keeps fastify's body
 * parsers (JSON, text); routes that need the raw bytes register in a plugin scope of their own
 * (as the WebSub subscriber does).
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";

export interface HttpListenOptions {
  host: string;
  port: number;
  /** Largest request body accepted (a pushed feed document). */
  bodyLimit: number;
  logger: Logger;
}

export async function createHttpServer(opts: Pick<HttpListenOptions, "bodyLimit">): Promise<FastifyInstance> {
  // fastify's own request log is off: Crier logs what matters (with secrets scrubbed) itself.
  const server = Fastify({ logger: false, bodyLimit: opts.bodyLimit, return503OnClosing: true });
  server.get("/healthz", async () => ({ ok: true }));
  return server;
}

/** Starts listening; returns the address actually bound (port 0 picks a free one). */
export async function listen(server: FastifyInstance, opts: HttpListenOptions): Promise<string> {
  const address = await server.listen({ host: opts.host, port: opts.port });
  opts.logger.info({ address }, "HTTP listener started");
  return address;
}
