// JSON entities as https://docs.joinmastodon.org/entities/ describes them (snake_case, ids as strings;
// pages read 2026-12-06).
import type { MastodonLoopbackAccount, StoredStatus } from "./types.js";

export const JSON_TYPE = "application/json; charset=utf-8";

/** https://docs.joinmastodon.org/entities/Account/ (read 2026-12-06; a subset of the optional fields). */
export function accountEntity(base: string, a: MastodonLoopbackAccount, statusesCount: number): Record<string, unknown> {
  return {
    id: a.id,
    username: a.username,
    acct: a.username, // local accounts: the username alone
    display_name: a.displayName ?? a.username,
    locked: false,
    bot: true,
    discoverable: true,
    group: false,
    created_at: "2026-01-01T00:00:00.000Z",
    note: "",
    url: `${base}/@${a.username}`,
    uri: `${base}/users/${a.username}`,
    avatar: `${base}/avatars/original/missing.png`,
    avatar_static: `${base}/avatars/original/missing.png`,
    header: `${base}/headers/original/missing.png`,
    header_static: `${base}/headers/original/missing.png`,
    followers_count: 0,
    following_count: 0,
    statuses_count: statusesCount,
    last_status_at: null,
    emojis: [],
    fields: [],
  };
}

/** https://docs.joinmastodon.org/entities/Account/#CredentialAccount (read 2026-12-06): the account plus `source`. */
export function credentialAccountEntity(base: string, a: MastodonLoopbackAccount, statusesCount: number): Record<string, unknown> {
  return {
    ...accountEntity(base, a, statusesCount),
    source: { privacy: "public", sensitive: false, language: "", note: "", fields: [], follow_requests_count: 0 },
  };
}

const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Plain text to the `<p>`/`<br />` HTML of `content` (links are not autolinked here: loopback choice). */
export function contentHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br />")}</p>`)
    .join("");
}

/** https://docs.joinmastodon.org/entities/Status/ (read 2026-12-06). `withSource` adds `text` (DELETE answers carry it). */
export function statusEntity(base: string, s: StoredStatus, account: Record<string, unknown>, media: Array<Record<string, unknown>>, withSource = false): Record<string, unknown> {
  const username = String(account.username);
  return {
    id: s.id,
    created_at: new Date(s.createdAt).toISOString(),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: s.sensitive,
    spoiler_text: s.spoilerText,
    visibility: s.visibility,
    language: s.language,
    uri: `${base}/users/${username}/statuses/${s.id}`,
    url: `${base}/@${username}/${s.id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: null,
    favourited: false,
    reblogged: false,
    muted: false,
    bookmarked: false,
    pinned: false,
    content: contentHtml(s.text),
    ...(withSource ? { text: s.text } : {}),
    filtered: [],
    reblog: null,
    application: { name: "Crier", website: null },
    account,
    media_attachments: media,
    mentions: [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
  };
}

/** https://docs.joinmastodon.org/entities/Instance/ (GET /api/v2/instance; read 2026-12-06). */
export interface InstanceLimits {
  maxCharacters: number;
  perUrl: number;
  imageSizeLimit: number;
  imageMatrixLimit: number;
}

export function instanceEntity(base: string, domain: string, l: InstanceLimits): Record<string, unknown> {
  return {
    domain,
    title: "Mastodon loopback",
    version: "4.3.0",
    source_url: "https://github.com/mastodon/mastodon",
    description: "A stand-in Mastodon server for Crier's tests.",
    usage: { users: { active_month: 1 } },
    thumbnail: { url: `${base}/packs/media/images/preview.png` },
    languages: ["en"],
    configuration: {
      urls: { streaming: base.replace(/^http/, "ws") },
      accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
      statuses: { max_characters: l.maxCharacters, max_media_attachments: 4, characters_reserved_per_url: l.perUrl },
      // The image types POST /api/v2/media takes here (image-info.ts); no video or audio.
      media_attachments: {
        supported_mime_types: ["image/jpeg", "image/png", "image/gif", "image/webp"],
        image_size_limit: l.imageSizeLimit,
        image_matrix_limit: l.imageMatrixLimit,
        video_size_limit: 103809024,
        video_frame_rate_limit: 120,
        video_matrix_limit: 8294400,
      },
      polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
      translation: { enabled: false },
    },
    registrations: { enabled: false, approval_required: false, message: null },
    api_versions: { mastodon: 2 },
    contact: { email: `admin@${domain}`, account: null },
    rules: [],
  };
}
