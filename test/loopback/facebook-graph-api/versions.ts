// Which Graph API versions exist and which the loopback serves a request with. The server's own
// table (it imports nothing from adapters/): Graph API "Versions" changelog,
// https://developers.facebook.com/docs/graph-api/changelog/versions/ (localized snapshots listing
// v26.0, expiry "TBD"; read Dec 2026), and the v27.0 blog post of 4 Nov 2026,
// https://developers.facebook.com/blog/post/2026/11/04/introducing-graph-api-v27-and-marketing-api-v27/.
// Retirement: Platform Versioning (https://developers.facebook.com/docs/graph-api/guides/versioning):
// "once a version is no longer usable, any calls made to it will be defaulted to the next oldest,
// usable version".

/** [version, last usable day (UTC) or null when not announced]. */
export const VERSIONS: ReadonlyArray<readonly [string, string | null]> = [
  ["v27.0", null], ["v26.0", null], ["v25.0", "2028-07-29"], ["v24.0", "2028-02-18"], ["v23.0", "2027-10-08"],
  ["v22.0", "2027-05-20"], ["v21.0", "2027-01-21"], ["v20.0", "2026-09-24"], ["v19.0", "2026-05-21"], ["v18.0", "2026-01-26"],
  ["v17.0", "2025-09-12"], ["v16.0", "2025-05-14"], ["v15.0", "2024-11-20"], ["v14.0", "2024-09-17"], ["v13.0", "2024-05-28"],
  ["v12.0", "2024-02-08"], ["v11.0", "2023-09-14"], ["v10.0", "2023-06-08"],
];

const usableAt = (retires: string | null, now: number) => retires === null || now <= Date.parse(`${retires}T23:59:59Z`);

/**
 * The version a request is served with: itself while usable; once retired, the oldest version
 * still usable ("the next oldest, usable version"); undefined for a version Graph never had (the
 * loopback then answers 2500 "Unknown path components", as observed for a mistyped version).
 */
export function servedVersion(requested: string, now: number): string | undefined {
  const row = VERSIONS.find(([v]) => v === requested);
  if (!row) return undefined;
  if (usableAt(row[1], now)) return requested;
  const usable = VERSIONS.filter(([, retires]) => usableAt(retires, now));
  return usable[usable.length - 1]?.[0];
}
