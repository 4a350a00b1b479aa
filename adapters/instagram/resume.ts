/**
 * The checkpoint of a send, and how a PUBLISHED container is matched to its post.
 * [cont] IG Container ("Updated: Jul 23, 2024"): the container's fields are id, status, status_code
 * and copyright_check_status; none names the media it became (unconfirmed that no other does). So
 * the media id is kept in the checkpoint right after publishing, and when a crash came before
 * that, found among the account's recent media: same caption, published after the container was made.
 */
import type { SentPost } from "../../src/core/index.js";

export interface Checkpoint {
  container: string;
  /** When the container was made (epoch ms, Crier's clock). */
  createdAt: number;
  /** Set once media_publish answered. */
  mediaId?: string;
}

const PREFIX = "ig1";

/** "ig1 <container> <createdAt>[ <mediaId>]": two ids and a time, far below CHECKPOINT_MAX_LENGTH. */
export function formatCheckpoint(cp: Checkpoint): string {
  return [PREFIX, cp.container, String(cp.createdAt), ...(cp.mediaId ? [cp.mediaId] : [])].join(" ");
}

/** @throws Error for a checkpoint this adapter did not write (nothing is guessed about what it means). */
export function parseCheckpoint(value: string | null): Checkpoint | null {
  if (value === null || value === "") return null;
  const [prefix, container, createdAt, mediaId] = value.split(" ");
  if (prefix !== PREFIX || !container || !/^\d+$/.test(container) || !/^\d+$/.test(createdAt ?? "") || (mediaId !== undefined && !/^\d+$/.test(mediaId))) {
    throw new Error(`unreadable checkpoint "${value.slice(0, 80)}": check the account before retrying`);
  }
  return { container, createdAt: Number(createdAt), ...(mediaId ? { mediaId } : {}) };
}

interface RecentMedia { id?: unknown; caption?: unknown; timestamp?: unknown; permalink?: unknown }

// [igmedia] "Captions don't include the @ symbol unless the app user is also able to perform
// admin-equivalent tasks on the app": compared without "@" and with spacing collapsed.
const same = (s: string): string => s.replace(/@/g, "").replace(/\s+/g, " ").trim();
/** Clocks differ: a post a little "before" the container (Instagram's clock vs Crier's) still counts. */
const SKEW_MS = 10 * 60_000;

/** The post of a PUBLISHED container, or — never publishing again — what is known of it. */
export async function findPublished(g: { recent(): Promise<unknown[]> }, cp: Checkpoint, caption: string): Promise<SentPost> {
  const note = `published by an earlier attempt (container ${cp.container} is PUBLISHED)`;
  const recent = await g.recent().catch(() => [] as unknown[]);
  const at = (m: RecentMedia) => Date.parse(String(m.timestamp));
  const candidates = (recent as RecentMedia[]).filter((m) => typeof m.id === "string" && same(String(m.caption ?? "")) === same(caption) && at(m) >= cp.createdAt - SKEW_MS);
  // An earlier post with the same caption (another article, minutes before) is within the skew
  // too: the first post after the container was made is ours; failing that, the latest before it.
  const after = candidates.filter((m) => at(m) >= cp.createdAt).sort((a, b) => at(a) - at(b));
  const match = after[0] ?? candidates.sort((a, b) => at(b) - at(a))[0];
  if (match) return { remoteId: String(match.id), remoteUrl: typeof match.permalink === "string" ? match.permalink : null, note };
  return { remoteId: `container:${cp.container}`, remoteUrl: null, note: `${note}; its post was not found among the account's 25 latest, so the URL is unknown` };
}
