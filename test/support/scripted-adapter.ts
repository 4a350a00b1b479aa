/** A scripted test platform: each send answers with the next entry of the script. Records what it accepted. */
import type { Adapter } from "../../src/core/index.js";
import { deliveryError } from "../../src/core/index.js";
import { destinationCommonSchema } from "../../src/config/schema.js";

export type Answer = "ok" | "refused" | "lost" | "rejected" | "rate-limited" | "duplicate";
export class PlatformError extends Error {
  constructor(readonly answer: Answer) {
    super(answer);
  }
}

export function scriptedAdapter(script: Answer[], accepted: number[]): Adapter<Record<string, never>, { id: number }> {
  let call = 0;
  return {
    platform: "scripted",
    description: "test platform answering from a script",
    config: destinationCommonSchema.pick({}).strict() as never,
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
          throw new PlatformError(answer);
        },
        check: async () => "scripted",
        close: async () => undefined,
      };
    },
    classify(err) {
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

