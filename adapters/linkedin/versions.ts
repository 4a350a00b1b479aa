/**
 * LinkedIn-Version: which monthly versions exist and when each retires. Pure data and pure
 * functions (the clock is passed in).
 *
 * Policy: "Our versioned API releases follow a monthly cycle. These API versions are supported and
 * stable for a minimum of one year before sunset."
 * (https://learn.microsoft.com/en-us/linkedin/marketing/versioning, page stating latest 202603.)
 * A retired version is answered 426 NONEXISTENT_VERSION (fixtures/426-nonexistent-version.json).
 */

/** The newest version a source confirms: "Microsoft currently lists 202609 (September 2026) as the latest version" (https://github.com/n8n-io/n8n/pull/39065, 2026-09-18). */
export const LINKEDIN_DEFAULT_VERSION = "202609";

/** Where a sunset date comes from. */
const MIGRATIONS = "https://learn.microsoft.com/it-it/linkedin/marketing/integrations/migrations (page listing 202603 as latest)";
const MIGRATIONS_2025 = "https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations (copy listing 202411 as just sunset)";
const CHANGELOG = "api-evangelist/linkedin-ads changelog, generated 2026-08-13 from …/marketing/integrations/recent-changes";

interface Known {
  /** YYYY-MM-DD (UTC), or null for a month LinkedIn released no version in. */
  sunset: string | null;
  source: string;
}

/** Sunsets LinkedIn announced, each with its source; other versions are computed from the policy. */
export const LINKEDIN_VERSIONS: Readonly<Record<string, Known>> = {
  "202407": { sunset: "2025-07-22", source: MIGRATIONS_2025 },
  "202408": { sunset: "2025-08-18", source: MIGRATIONS_2025 },
  "202409": { sunset: "2025-09-15", source: MIGRATIONS_2025 },
  "202410": { sunset: "2025-10-15", source: MIGRATIONS_2025 },
  "202411": { sunset: "2025-11-17", source: MIGRATIONS_2025 },
  "202502": { sunset: "2026-02-16", source: "https://github.com/estuary/connectors/pull/3922 (2026-02-23: \"202502, which was sunset on 16FEB2026\")" },
  "202504": { sunset: "2026-04-15", source: CHANGELOG },
  "202505": { sunset: "2026-05-15", source: CHANGELOG },
  "202506": { sunset: "2026-06-15", source: CHANGELOG },
  "202510": { sunset: "2026-10-15", source: MIGRATIONS },
  "202511": { sunset: "2026-11-16", source: MIGRATIONS },
  // The migrations table has no 202512 row and the changelog goes from 202511 to 202601.
  "202512": { sunset: null, source: `${MIGRATIONS}; ${CHANGELOG}` },
  "202601": { sunset: "2027-01-15", source: MIGRATIONS },
  "202602": { sunset: "2027-02-15", source: MIGRATIONS },
  "202603": { sunset: "2027-03-16", source: MIGRATIONS },
  "202604": { sunset: "2027-04-15", source: "https://github.com/n8n-io/n8n/pull/39065 (2026-09-18: \"202604 stays active until 15 April 2027\")" },
};

export type Sunset =
  | { kind: "known"; at: number; source: string }
  /** From the policy: the 1st of the release month a year on. Announced sunsets fall mid-month, so this warns early, never late. */
  | { kind: "computed"; at: number }
  | { kind: "never-released"; source: string };

const DAY = 86_400_000;

/** When `version` (YYYYMM) retires. Pure. */
export function sunsetOf(version: string): Sunset {
  const known = LINKEDIN_VERSIONS[version];
  if (known?.sunset === null) return { kind: "never-released", source: known.source };
  if (known) return { kind: "known", at: Date.parse(`${known.sunset}T00:00:00Z`), source: known.source };
  const year = Number(version.slice(0, 4));
  const month = Number(version.slice(4, 6));
  return { kind: "computed", at: Date.UTC(year + 1, month - 1, 1) };
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * What `crier check` says about the configured version: nothing while it has more than 90 days
 * left, a warning from 90 days before its sunset, and a stronger one once it is past. Pure.
 */
export function versionWarnings(version: string, now: number, warnDays = 90): string[] {
  const sunset = sunsetOf(version);
  const instead = version === LINKEDIN_DEFAULT_VERSION
    ? "set linkedinVersion to a newer version listed on https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations"
    : `set linkedinVersion to ${LINKEDIN_DEFAULT_VERSION} (or a newer version LinkedIn lists as active)`;
  if (sunset.kind === "never-released") return [`LinkedIn released no version ${version} (${sunset.source}): ${instead}`];
  const when = sunset.kind === "known" ? `on ${day(sunset.at)}` : `around ${day(sunset.at)} (computed from LinkedIn's "at least one year" policy; the exact date is not published)`;
  if (now >= sunset.at) {
    const past = sunset.kind === "known" ? `retired ${when}: LinkedIn refuses it (426)` : `was due to retire ${when}: LinkedIn may already refuse it (426)`;
    return [`LinkedIn-Version ${version} ${past}; ${instead}`];
  }
  if (now >= sunset.at - warnDays * DAY) {
    return [`LinkedIn-Version ${version} retires ${when}, in ${Math.ceil((sunset.at - now) / DAY)} days: ${instead}`];
  }
  return [];
}
