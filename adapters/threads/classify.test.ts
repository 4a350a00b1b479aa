// Every recorded answer → its kind, through the real send against the loopback (fixtures/replay.ts).
import { describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import type { ConnectDeps } from "../../src/core/index.js";
import { BeforePublishError, ThreadsError } from "./errors.js";
import { errorFor } from "./fixtures/replay.js";
import { threadsConfig } from "./config.js";
import { threadsAdapter } from "./index.js";

const HOUR = 3_600_000;

describe("classify: recorded Threads answers", () => {
  it.each([
    ["400-190-access-token", "auth", undefined],
    ["400-190-463-expired", "auth", undefined],
    ["400-10-permission", "destination-broken", undefined],
    ["400-4-app-rate-limit", "rate-limited", HOUR],
    ["400-32-rate-limit", "rate-limited", HOUR],
    ["400-368-blocked", "rate-limited", 24 * HOUR],
    ["400-100-text-too-long", "rejected", undefined],
    ["400-link-limit", "rejected", undefined],
    ["400-24-media-not-found", "transient", undefined],
    ["500-2-service", "unknown-outcome", undefined],
    ["502-bad-gateway", "unknown-outcome", undefined],
    ["200-container-error", "rejected", undefined],
  ] as const)("%s → %s", async (name, kind, waitMs) => {
    const result = threadsAdapter.classify(await errorFor(name));
    expect(result.kind).toBe(kind);
    expect(result.message.length).toBeGreaterThan(10);
    if (waitMs !== undefined) expect(result.waitMs).toBe(waitMs);
  });

  it("the app-wide limit (4) holds every destination; the profile's (32) this one", async () => {
    expect(threadsAdapter.classify(await errorFor("400-4-app-rate-limit")).scope).toBe("account");
    expect(threadsAdapter.classify(await errorFor("400-32-rate-limit")).scope).toBe("destination");
  });

  it("names the link limit and keeps Meta's words in the detail", async () => {
    const result = threadsAdapter.classify(await errorFor("400-link-limit"));
    expect(result.message).toContain("more than 5 links");
    expect(result.detail).toContain("THREADS_API__LINK_LIMIT_EXCEEDED");
  });

  it("an image container in ERROR is the image's refusal (the core posts without it)", async () => {
    expect(threadsAdapter.classify(await errorFor("200-container-error", { image: true }))).toMatchObject({ kind: "rejected", stage: "image", detail: "FAILED_DOWNLOADING_VIDEO" });
  });
});

describe("classify: the flow's own conclusions", () => {
  it("before publishing nothing was posted: what would be unknown is transient", async () => {
    // A 5xx or a lost answer at container creation: a container is not a post.
    const err = new BeforePublishError("create", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), false);
    expect(threadsAdapter.classify(err)).toMatchObject({ kind: "transient" });
    expect(threadsAdapter.classify(new BeforePublishError("status", undefined, false)).kind).toBe("transient");
  });

  it("a refused connection is transient; an image step that failed for no fault of its own keeps that", async () => {
    const lbUrl = `http://127.0.0.1:${await closedPort()}`;
    const conn = await threadsAdapter.connect(threadsConfig.parse({ accessToken: "THfixtureToken000000000001", apiBase: lbUrl }), {} as ConnectDeps);
    const err = await conn.send({ text: "x", link: null, mediaType: "TEXT" }, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => e);
    await conn.close();
    expect(threadsAdapter.classify(err).kind).toBe("transient");
  });

  it("declares that a send resumes from its checkpointed container (a retry reads its status first), and from nothing else", () => {
    expect(threadsAdapter.capabilities.idempotentSend).toBe(false);
    const checkpoints = ['{"container":"17890","type":"TEXT"}', '{"container":"17890","type":"IMAGE","media":"17891"}', "", "ig1 17890 5", '{"type":"TEXT"}'];
    expect(checkpoints.map((c) => threadsAdapter.resumesFrom?.(c))).toEqual([true, true, false, false, false]);
  });

  it("still processing → processing with Meta's once-a-minute wait; quota → rate-limited; published earlier → duplicate", () => {
    expect(threadsAdapter.classify(new ThreadsError({ what: "not-ready", container: "1" }, "x"))).toMatchObject({ kind: "processing", waitMs: 60_000 });
    expect(threadsAdapter.classify(new ThreadsError({ what: "quota", usage: 250, total: 250, windowS: 86_400 }, "x"))).toMatchObject({ kind: "rate-limited", waitMs: HOUR, scope: "destination" });
    expect(threadsAdapter.classify(new ThreadsError({ what: "already-published", container: "1" }, "x")).kind).toBe("duplicate");
    expect(threadsAdapter.classify(new ThreadsError({ what: "no-image-url" }, "x")).kind).toBe("rejected");
  });

  it("never leaks the token a lower layer quoted", () => {
    const err = Object.assign(new Error("connect ECONNRESET https://graph.threads.net/v1.0/me?access_token=THsecretSecretSecret123"), { code: "ECONNRESET" });
    expect(JSON.stringify(threadsAdapter.classify(err))).not.toContain("THsecret");
  });
});
