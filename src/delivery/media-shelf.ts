/**
 * The images Crier serves on its public listener for platforms that pull them by URL
 * (`<publicListener.url>/media/<name>`): kept on disk under the data folder (`data/media/`), so that
 * a platform still downloading after a restart (TikTok: up to an hour) finds them, and a retry of
 * the same delivery hands out the same URL. Each file is served until its delivery is final (sent,
 * rejected, skipped, deleted) plus a grace period, then deleted by retention's sweep.
 *
 * Names are unguessable: an HMAC (key made once, `data/media/.key`, mode 0600) of the delivery and
 * the bytes, so nothing in a URL tells another delivery's URL. Only names of that exact form are
 * ever opened: no listing, no other file, no path.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { FINAL_STATES, type DeliveryState } from "../store/deliveries.js";

/** What a served name looks like: 43 base64url characters (256 bits) and the format's extension. */
const NAME = /^([A-Za-z0-9_-]{43})\.(jpg|png|webp|gif)$/;
const EXTENSION: Readonly<Record<string, string>> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };
/** A half-written file older than this is a crash's leftover. */
const LEFTOVER_MS = 3_600_000;

/** What is kept beside each image (`<token>.json`). */
interface Label {
  deliveryId: number;
  mime: string;
  size: number;
  storedAt: number;
  /** Served until then (epoch ms); null while its delivery is not final. */
  expiresAt: number | null;
}

export interface ServedImage {
  bytes: Buffer;
  mime: string;
}

export interface SweepResult {
  deleted: number;
  kept: number;
}

export class MediaShelf {
  private key: Promise<Buffer> | null = null;
  /** Tokens this process stored, by delivery: what `settle` expires. After a restart, the sweep asks the store. */
  private readonly byDelivery = new Map<number, Set<string>>();

  constructor(
    /** The folder (data/media), created on first use. */
    readonly dir: string,
    /** How long an image stays served after its delivery is final, in ms. */
    private readonly graceMs: number,
  ) {}

  /**
   * Stores the bytes a platform will pull for one delivery; returns the name to serve them under.
   * The same delivery with the same bytes gets the same name, so a retry (after a restart too)
   * hands the platform the URL an earlier attempt gave it. @throws on I/O errors (disk full, permissions).
   */
  async put(delivery: { id: number; queuedAt: number }, image: ServedImage, now: number): Promise<string> {
    const ext = EXTENSION[image.mime];
    if (!ext) throw new Error(`cannot serve ${image.mime} images`);
    const digest = createHash("sha256").update(image.bytes).digest("hex");
    const token = createHmac("sha256", await this.secret()).update(`${delivery.id}:${delivery.queuedAt}:${digest}`).digest("base64url");
    const name = `${token}.${ext}`;
    const existing = await this.label(token);
    if (!existing || existing.size !== image.bytes.length) {
      await this.writeAtomically(name, image.bytes);
      await this.writeLabel(token, { deliveryId: delivery.id, mime: image.mime, size: image.bytes.length, storedAt: now, expiresAt: null });
    } else if (existing.expiresAt !== null) {
      await this.writeLabel(token, { ...existing, expiresAt: null }); // queued again: served again until final
    }
    const tokens = this.byDelivery.get(delivery.id) ?? new Set<string>();
    tokens.add(token);
    this.byDelivery.set(delivery.id, tokens);
    return name;
  }

  /** The image served under `name`, or null (not a served name, unknown, or expired). @throws on I/O errors other than a missing file. */
  async open(name: string, now: number): Promise<ServedImage | null> {
    const match = NAME.exec(name);
    if (!match) return null;
    const [, token, ext] = match as unknown as [string, string, string];
    const label = await this.label(token);
    if (!label || EXTENSION[label.mime] !== ext || (label.expiresAt !== null && label.expiresAt <= now)) return null;
    const bytes = await readMissing(path.join(this.dir, name));
    return bytes && bytes.length === label.size ? { bytes, mime: label.mime } : null;
  }

  /** The delivery is final: what this process stored for it is served `graceMs` longer, then goes. Never throws (the sweep catches up). */
  async settle(deliveryId: number, now: number): Promise<void> {
    const tokens = this.byDelivery.get(deliveryId);
    if (!tokens) return;
    this.byDelivery.delete(deliveryId);
    for (const token of tokens) {
      try {
        const label = await this.label(token);
        if (label && label.expiresAt === null) await this.writeLabel(token, { ...label, expiresAt: now + this.graceMs });
      } catch {
        // the sweep expires it from the delivery's state
      }
    }
  }

  /**
   * Retention: deletes expired images, and those whose delivery is gone or older than `maxAgeMs`;
   * an image whose delivery became final while no process here knew it (a restart, the operator's
   * resolve) starts its grace period now. Leftovers of a crash mid-write go too. @throws on I/O errors.
   */
  async sweep(now: number, opts: { stateOf: (deliveryId: number) => Promise<DeliveryState | null>; maxAgeMs: number }): Promise<SweepResult> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { deleted: 0, kept: 0 };
      throw err;
    }
    const result: SweepResult = { deleted: 0, kept: 0 };
    const labelled = new Set<string>();
    for (const entry of entries) {
      if (!entry.endsWith(".json")) continue;
      const token = entry.slice(0, -".json".length);
      const label = await this.label(token).catch(() => null);
      const image = label ? `${token}.${EXTENSION[label.mime] ?? "bin"}` : null;
      let expired = !label || (label.expiresAt !== null && label.expiresAt <= now) || label.storedAt < now - opts.maxAgeMs;
      if (label && !expired && label.expiresAt === null) {
        const state = await opts.stateOf(label.deliveryId);
        if (state === null) expired = true;
        else if (FINAL_STATES.includes(state)) await this.writeLabel(token, { ...label, expiresAt: now + this.graceMs });
      }
      if (expired) {
        if (image) await removeMissing(path.join(this.dir, image));
        await removeMissing(path.join(this.dir, entry));
        result.deleted++;
      } else {
        if (image) labelled.add(image);
        result.kept++;
      }
    }
    for (const entry of entries) {
      if (entry.endsWith(".json") || labelled.has(entry) || entry === ".key") continue;
      const file = path.join(this.dir, entry);
      const age = await stat(file).then((s) => now - s.mtimeMs, () => 0);
      if (age > LEFTOVER_MS) await removeMissing(file);
    }
    return result;
  }

  /** The key names are made with: made once per data folder, readable by its owner only. */
  private secret(): Promise<Buffer> {
    this.key ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const file = path.join(this.dir, ".key");
      const found = await readMissing(file);
      if (found?.length === 32) return found;
      const temp = `${file}.${randomBytes(6).toString("hex")}`;
      await writeFile(temp, randomBytes(32), { mode: 0o600, flag: "wx" });
      // link() fails when another process made the key first: then theirs is the key.
      await link(temp, file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
      await removeMissing(temp);
      const key = await readFile(file);
      if (key.length !== 32) throw new Error(`${file} is not a key Crier made (${key.length} bytes); delete it`);
      return key;
    })().catch((err: unknown) => {
      this.key = null;
      throw err;
    });
    return this.key;
  }

  private async label(token: string): Promise<Label | null> {
    const text = await readMissing(path.join(this.dir, `${token}.json`));
    if (!text) return null;
    try {
      return JSON.parse(text.toString("utf8")) as Label;
    } catch {
      return null;
    }
  }

  private writeLabel(token: string, label: Label): Promise<void> {
    return this.writeAtomically(`${token}.json`, Buffer.from(JSON.stringify(label)));
  }

  /** Written beside, then renamed: a reader sees the whole file or none. */
  private async writeAtomically(name: string, data: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `${name}.${randomBytes(6).toString("hex")}.tmp`);
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, path.join(this.dir, name));
  }
}

async function readMissing(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

async function removeMissing(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
