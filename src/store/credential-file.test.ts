// The credential file: 0600, whole or not at all, one renewal at a time (in this process and
// across processes), tokens told to the scrubber.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RefreshableCredential } from "../core/adapter.js";
import { credentialFile, fileCredentialStore } from "./credential-file.js";
// Children end with the test (test/support/hygiene.ts), even when an assertion fails.
import { spawnChild } from "../../test/support/children.js";

const fresh = () => credentialFile(mkdtempSync(path.join(tmpdir(), "crier-cred-")), "tiktok-news");

/** A single-use refresh token: each renewal spends the one it was given and returns the next. */
const rotate = (seen: Array<string | null>) => async (current: RefreshableCredential | null): Promise<RefreshableCredential> => {
  seen.push(current?.refreshToken ?? null);
  const n = Number((current?.refreshToken ?? "rft-0").split("-")[1]) + 1;
  await new Promise((r) => setTimeout(r, 5)); // a renewal takes a moment: concurrent callers overlap it (no wait for anything)
  return { accessToken: `act-${n}-access`, expiresAt: 1_000 * n, refreshToken: `rft-${n}`, refreshExpiresAt: null, origin: "sha256:abc" };
};

describe("fileCredentialStore", () => {
  it("stores the credential whole in a 0600 file under sessions/, nothing else left behind", async () => {
    const file = fresh();
    const store = fileCredentialStore(file);
    expect(await store.load()).toBeNull();
    const stored = await store.refresh(rotate([]));
    expect(stored).toMatchObject({ accessToken: "act-1-access", refreshToken: "rft-1" });
    expect(path.basename(path.dirname(file))).toBe("sessions");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(stored);
    expect(readdirSync(path.dirname(file))).toEqual(["tiktok-news.credential.json"]);
    expect(await fileCredentialStore(file).load()).toEqual(stored); // another store (process) reads it
  });

  it("one renewal at a time in a process: a caller that waited renews from what the first stored (a single-use token is spent once)", async () => {
    const file = fresh();
    const seen: Array<string | null> = [];
    // Two stores on one file, as two connections of one process would have.
    const [a, b] = [fileCredentialStore(file), fileCredentialStore(file)];
    const results = await Promise.all([a.refresh(rotate(seen)), b.refresh(rotate(seen)), a.refresh(rotate(seen))]);
    expect(seen).toEqual([null, "rft-1", "rft-2"]);
    expect(results.map((r) => r.refreshToken)).toEqual(["rft-1", "rft-2", "rft-3"]);
  });

  it("across processes: never renews while another live process holds the lock; renews from what it stored once released", async () => {
    const file = fresh();
    mkdirSync(path.dirname(file), { recursive: true });
    const holder = spawnChild(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    writeFileSync(`${file}.lock`, String(holder.child.pid));
    const seen: Array<string | null> = [];
    await expect(fileCredentialStore(file, { lockWaitMs: 200 }).refresh(rotate(seen))).rejects.toThrow(
      `${file}.lock: another Crier process has been renewing this credential for too long; if none is running, delete the lock file`,
    );
    expect(seen).toEqual([]);
    const renewal = fileCredentialStore(file).refresh(rotate(seen));
    // The other process stores its renewal, then releases the lock.
    writeFileSync(file, JSON.stringify({ accessToken: "act-7-access", expiresAt: 7000, refreshToken: "rft-7" }));
    rmSync(`${file}.lock`);
    expect((await renewal).refreshToken).toBe("rft-8");
    expect(seen).toEqual(["rft-7"]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("a lock left by a process that died is taken over", async () => {
    const file = fresh();
    mkdirSync(path.dirname(file), { recursive: true });
    const dead = spawnChild(process.execPath, ["-e", ""]);
    await dead.exited;
    writeFileSync(`${file}.lock`, String(dead.child.pid));
    expect((await fileCredentialStore(file).refresh(rotate([]))).refreshToken).toBe("rft-1");
  });

  it("a renewal that fails stores nothing and lets the error through", async () => {
    const file = fresh();
    const store = fileCredentialStore(file);
    await store.refresh(rotate([]));
    await expect(store.refresh(async () => Promise.reject(new Error("invalid_grant")))).rejects.toThrow("invalid_grant");
    expect((await store.load())?.refreshToken).toBe("rft-1");
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it("tells the scrubber every token it reads or stores", async () => {
    const file = fresh();
    const told: string[] = [];
    const store = fileCredentialStore(file, { onSecrets: (v) => told.push(...v) });
    await store.refresh(rotate([]));
    expect(told).toEqual(["act-1-access", "rft-1"]);
    told.length = 0;
    await fileCredentialStore(file, { onSecrets: (v) => told.push(...v) }).load();
    expect(told).toEqual(["act-1-access", "rft-1"]);
  });

  it("a file it did not write is refused, naming the file and what to do", async () => {
    const file = fresh();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "{ not json");
    await expect(fileCredentialStore(file).load()).rejects.toThrow(`${file} is not a credential Crier wrote: delete it to start again from the token in the config`);
  });
});
