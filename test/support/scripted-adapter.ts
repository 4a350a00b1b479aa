/** A scripted test platform: each send answers with the next entry of the script. Records what it accepted. */
import { createServer, type AddressInfo } from "node:net";
import type { Adapter } from "../../src/core/index.js";
import { deliveryError } from "../../src/core/index.js";
import { networkFailure } from "../../src/core/kit/index.js";
import { destinationCommonSchema } from "../../src/config/schema.js";

/** "unreachable": a real request to a closed loopback port, failing before a byte is written (ECONNREFUSED). */
export type Answer = "ok" | "refused" | "lost" | "rejected" | "rate-limited" | "duplicate" | "unreachable";
export class PlatformError extends Error {
  constructor(readonly answer: Answer) {
    super(answer);
  }
}

/** A loopback port nothing listens on: one the system gave out and took back (fetch refuses "bad ports" such as 1 itself). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function scriptedAdapter(script: Answer[], accepted: number[]): Adapter<Record<string, never>, { id: number }> {
  let call = 0;
  return {
    platform: "scripted",
    description: "test platform answering from a script",
    config: destinationCommonSchema().pick({}).strict() as never,
    secrets: [],
    capabilities: { idempotentSend: false, images: false, delete: false },
    rateLimits: [],
    defaultTemplate: "{title}",
    defaultLimits: () => ({ maxLength: 1000, unit: "characters", source: "default" }),
    render: (item, _c, limits) => ({ payload: { id: Number(item.guid) }, preview: item.title, length: item.title.length, limits }),
    async connect() {
      return {
        limits: { maxLength: 1000, unit: "characters", source: "default" },
        async send(payload, ctx) {
          const answer = script[call++ % script.length] ?? "ok";
          // "ok", "lost" and "duplicate" mean the platform took the post.
          if (answer === "ok" || answer === "lost") accepted.push(ctx.deliveryId);
          if (answer === "ok") return { remoteId: String(payload.id), remoteUrl: null };
          if (answer === "unreachable") await fetch(`http://127.0.0.1:${await closedPort()}/`); // throws: nothing listens
          throw new PlatformError(answer);
        },
        check: async () => "scripted",
        close: async () => undefined,
      };
    },
    classify(err) {
      if (networkFailure(err)?.outcome === "not-sent") return deliveryError("transient", "connection refused");
      const answer = err instanceof PlatformError ? err.answer : "lost";
      switch (answer) {
        case "refused": return deliveryError("transient", "refused");
        case "rejected": return deliveryError("rejected", "rejected");
        case "rate-limited": return deliveryError("rate-limited", "slow down", { waitMs: 50 });
        case "duplicate": return deliveryError("duplicate", "already there");
        default: return deliveryError("unknown-outcome", "no answer");
      }
    },
  };
}

