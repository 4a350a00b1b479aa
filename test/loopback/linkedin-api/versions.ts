// Which LinkedIn-Version values the loopback serves, by its clock. Pure.
// "Our versioned API releases follow a monthly cycle. These API versions are supported and stable
// for a minimum of one year before sunset." (https://learn.microsoft.com/en-us/linkedin/marketing/versioning;
// first versioned release June 2022.)

/** Sunset dates LinkedIn announced (same sources as the adapter's table, kept separately on purpose). */
const SUNSETS: Readonly<Record<string, string>> = {
  // https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations (copy listing 202411 as just sunset)
  "202407": "2025-07-22", "202408": "2025-08-18", "202409": "2025-09-15", "202410": "2025-10-15", "202411": "2025-11-17",
  // https://github.com/estuary/connectors/pull/3922 (2026-02-23)
  "202502": "2026-02-16",
  // api-evangelist/linkedin-ads changelog, generated 2026-08-13 from …/integrations/recent-changes
  "202504": "2026-04-15", "202505": "2026-05-15", "202506": "2026-06-15",
  // https://learn.microsoft.com/it-it/linkedin/marketing/integrations/migrations (page listing 202603 as latest)
  "202510": "2026-10-15", "202511": "2026-11-16", "202601": "2027-01-15", "202602": "2027-02-15", "202603": "2027-03-16",
  // https://github.com/n8n-io/n8n/pull/39065 (2026-09-18)
  "202604": "2027-04-15",
};

/** The newest release a source confirms (n8n#39065: "Microsoft currently lists 202609 … as the latest version"); later months are not served. */
export const LATEST_RELEASED = "202609";
/** No 202512 row on the migrations page, and the changelog goes from 202511 to 202601. */
const NEVER_RELEASED = new Set(["202512"]);

/** When a version stops being served: the announced date, else (loopback choice) the 15th of its month a year on, the pattern of the announced ones. */
export function sunsetAt(version: string): number {
  const known = SUNSETS[version];
  if (known) return Date.parse(`${known}T00:00:00Z`);
  return Date.UTC(Number(version.slice(0, 4)) + 1, Number(version.slice(4, 6)) - 1, 15);
}

/** Whether `version` (the header's value) is served at `now`. */
export function isActive(version: string, now: number): boolean {
  if (!/^\d{6}$/.test(version) || version < "202206" || version > LATEST_RELEASED || NEVER_RELEASED.has(version)) return false;
  const month = Number(version.slice(4, 6));
  const released = Date.UTC(Number(version.slice(0, 4)), month - 1, 1);
  return month >= 1 && month <= 12 && now >= released && now < sunsetAt(version);
}
