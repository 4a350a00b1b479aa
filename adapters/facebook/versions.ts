/**
 * Graph API versions and when each stops working, for `crier check`. Pure data and a pure function.
 *
 * The rule (Platform Versioning, https://developers.facebook.com/docs/graph-api/guides/versioning,
 * copy stating "The latest Graph API version is v25.0"): "A version will no longer be usable two
 * years after the date that the subsequent version is released", and "once a version is no longer
 * usable, any calls made to it will be defaulted to the next oldest, usable version" — so a retired
 * version fails silently, with another version's behaviour. That is why `check` warns ahead.
 *
 * Dates: the Graph API "Versions" table, https://developers.facebook.com/docs/graph-api/changelog/versions/
 * (snapshots de_DE, fr_FR, it_IT, id_ID and the changelog landing ?locale=de_DE/ru_RU/ja_JP, which
 * list v26.0 released 29 Jul 2026 with expiry "TBD"; read Dec 2026), and the blog post "Introducing
 * Graph API v27.0", https://developers.facebook.com/blog/post/2026/11/04/introducing-graph-api-v27-and-marketing-api-v27/
 * (4 Nov 2026). The table does not always follow the rule to the day (v22.0 retires 20 May 2027,
 * v23.0 was released 29 May 2025), so a computed date is approximate and says so.
 */

export interface GraphVersion {
  version: string;
  /** Release date, YYYY-MM-DD. */
  released: string;
  /** Last day the version is usable, YYYY-MM-DD; null when Meta has not said and it cannot be computed. */
  retires: string | null;
  /** "table": printed in Meta's versions table; "computed": the two-year rule applied to the next release. */
  source: "table" | "computed" | "tbd";
}

export const GRAPH_VERSIONS: readonly GraphVersion[] = [
  // Blog post of 4 Nov 2026; in no stored versions table yet; v28.0's date is unknown, so no retirement.
  { version: "v27.0", released: "2026-11-04", retires: null, source: "tbd" },
  // Table: "TBD". Computed: v27.0's release (4 Nov 2026) + two years, by the rule above.
  { version: "v26.0", released: "2026-07-29", retires: "2028-11-04", source: "computed" },
  { version: "v25.0", released: "2026-02-18", retires: "2028-07-29", source: "table" },
  { version: "v24.0", released: "2025-10-08", retires: "2028-02-18", source: "table" },
  { version: "v23.0", released: "2025-05-29", retires: "2027-10-08", source: "table" },
  { version: "v22.0", released: "2025-01-21", retires: "2027-05-20", source: "table" },
  { version: "v21.0", released: "2024-10-02", retires: "2027-01-21", source: "table" },
  { version: "v20.0", released: "2024-05-21", retires: "2026-09-24", source: "table" },
  { version: "v19.0", released: "2024-01-23", retires: "2026-05-21", source: "table" },
  { version: "v18.0", released: "2023-09-12", retires: "2026-01-26", source: "table" },
  { version: "v17.0", released: "2023-05-23", retires: "2025-09-12", source: "table" },
  { version: "v16.0", released: "2023-02-02", retires: "2025-05-14", source: "table" },
  { version: "v15.0", released: "2022-09-15", retires: "2024-11-20", source: "table" },
  { version: "v14.0", released: "2022-05-25", retires: "2024-09-17", source: "table" },
  { version: "v13.0", released: "2022-02-08", retires: "2024-05-28", source: "table" },
];

/**
 * The default: the newest version whose retirement is known (printed) or computed. v27.0 is newer,
 * but nothing dates its end yet; v26.0 lasts until about 4 Nov 2028 (see README "Graph API version").
 */
export const DEFAULT_API_VERSION = "v26.0";

/** How close a retirement must be for `check` to warn. */
export const WARN_WITHIN_DAYS = 90;

const DAY_MS = 86_400_000;
/** The end of a "usable until" day, UTC (the table gives dates, not times). */
const endOf = (date: string): number => Date.parse(`${date}T23:59:59Z`);

function majorOf(version: string): number | undefined {
  const m = /^v(\d+)\.(\d+)$/.exec(version);
  return m ? Number(m[1]) + Number(m[2]) / 100 : undefined;
}

/** What `check` should say about the configured version at `now` (epoch ms). Pure. */
export function versionWarnings(version: string, now: number): string[] {
  const target = DEFAULT_API_VERSION;
  const upgrade = (majorOf(version) ?? 0) < (majorOf(target) ?? 0)
    ? `set apiVersion to ${target} or newer`
    : `set apiVersion to a newer version (https://developers.facebook.com/docs/graph-api/changelog/versions/)`;
  const row = GRAPH_VERSIONS.find((v) => v.version === version);
  if (!row) {
    const oldest = GRAPH_VERSIONS[GRAPH_VERSIONS.length - 1] as GraphVersion;
    const major = majorOf(version);
    if (major !== undefined && major < (majorOf(oldest.version) ?? 0)) {
      return [`Graph API ${version} retired before ${oldest.retires}: Facebook answers it with another version's behaviour; ${upgrade}`];
    }
    return [`Crier cannot tell when Graph API ${version} retires: it is not in Crier's table of versions (${GRAPH_VERSIONS.map((v) => v.version).join(", ")})`];
  }
  if (row.retires === null) return [];
  const end = endOf(row.retires);
  const about = row.source === "computed" ? "about " : "";
  const how = row.source === "computed" ? " (computed: two years after the next version's release; Meta's table says TBD)" : "";
  if (now > end) {
    return [`Graph API ${version} retired on ${row.retires}${how}: Facebook now answers it with the next oldest usable version's behaviour; ${upgrade}`];
  }
  const days = Math.ceil((end - now) / DAY_MS);
  if (days <= WARN_WITHIN_DAYS) {
    return [`Graph API ${version} retires on ${about}${row.retires} (in ${days} day${days === 1 ? "" : "s"})${how}: ${upgrade}`];
  }
  return [];
}
