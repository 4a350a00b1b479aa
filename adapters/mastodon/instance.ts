/**
 * Limits discovery: `GET /api/v2/instance` (https://docs.joinmastodon.org/methods/instance/#v2),
 * `configuration.statuses.max_characters` and `characters_reserved_per_url`
 * (https://docs.joinmastodon.org/entities/Instance/#statuses).
 *
 * On the kit's JsonClient rather than masto: masto loses the status code of an error answer that
 * is not JSON (a web server's HTML 404 at an address that is not Mastodon), and that 404 is exactly
 * what must say "check instance". Imports the client's type only.
 */
import type { Limits } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import { discoveredLimits, mastodonLimits } from "./render.js";

export const INSTANCE_PATH = "/api/v2/instance";

/** `GET /api/v2/instance` answered, but not with a JSON object: whatever is there is no Mastodon API. */
export class NotMastodonError extends Error {
  override name = "NotMastodonError";
}

export interface InstanceInfo {
  /** The server's account domain (`domain`), for `@user@domain` handles. */
  domain: string;
  limits: Limits;
}

const positiveInt = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined);

/** The parts of an Instance entity Crier reads. Pure; tolerant of servers that omit fields. */
export function instanceInfo(body: unknown, fallbackDomain: string): InstanceInfo {
  const b = (typeof body === "object" && body !== null ? body : {}) as { domain?: unknown; configuration?: { statuses?: Record<string, unknown> } };
  const statuses = b.configuration?.statuses ?? {};
  const max = positiveInt(statuses.max_characters);
  const perUrl = positiveInt(statuses.characters_reserved_per_url) ?? 23;
  return {
    domain: typeof b.domain === "string" && b.domain !== "" ? b.domain : fallbackDomain,
    limits: max === undefined ? mastodonLimits() : discoveredLimits(max, perUrl),
  };
}

/**
 * Reads the instance description. Network I/O.
 * @throws the JsonClient's errors (HttpError for an error answer), or NotMastodonError for a 200
 *   that is not a JSON object (a website's catch-all page).
 */
export async function fetchInstance(http: JsonClient, fallbackDomain: string, signal: AbortSignal): Promise<InstanceInfo> {
  const { body } = await http.get(INSTANCE_PATH, { signal });
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new NotMastodonError(`GET ${INSTANCE_PATH} did not answer a JSON object: not a Mastodon API`);
  }
  return instanceInfo(body, fallbackDomain);
}
