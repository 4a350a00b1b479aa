/**
 * Limits discovery: `GET /api/v2/instance` (https://docs.joinmastodon.org/methods/instance/#v2),
 * `configuration.statuses.max_characters` and `characters_reserved_per_url`
 * (https://docs.joinmastodon.org/entities/Instance/#statuses).
 *
 * Plain fetch rather than masto: masto loses the status code of an error answer that is not JSON
 * (a web server's HTML 404 at an address that is not Mastodon), and that 404 is exactly what must
 * say "check instance". Errors are thrown as masto's MastoHttpError, so classify sees one shape.
 */
import { MastoHttpError } from "masto";
import type { Limits } from "../../src/core/index.js";
import { discoveredLimits, mastodonLimits } from "./render.js";

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

/** Fetches the instance description. Network I/O; throws MastoHttpError for an error answer, fetch's errors otherwise. */
export async function fetchInstance(instance: string, accessToken: string, signal: AbortSignal): Promise<InstanceInfo> {
  // The token is not needed on an open server, but limited-federation servers require it here.
  const response = await fetch(new URL("/api/v2/instance", instance), {
    headers: { accept: "application/json", authorization: `Bearer ${accessToken}` },
    signal,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: unknown } | undefined)?.error;
    throw new MastoHttpError(
      { statusCode: response.status, message: typeof error === "string" ? error : `${response.status} ${response.statusText} from GET /api/v2/instance` },
      { cause: response },
    );
  }
  if (body === undefined) {
    // A 200 page that is not JSON (a website's catch-all) is no Mastodon API either: reported as 404.
    throw new MastoHttpError({ statusCode: 404, message: "GET /api/v2/instance did not answer JSON: not a Mastodon API" }, { cause: response });
  }
  return instanceInfo(body, new URL(instance).host);
}
