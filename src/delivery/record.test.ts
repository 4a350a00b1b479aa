import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Capabilities } from "../core/adapter.js";
import { deliveryError, type DeliveryError } from "../core/delivery-error.js";
import { decide, type DecideInput } from "./record.js";
import { backoffMs } from "../core/backoff.js";

const NOW = 1_700_000_000_000;
const POLICY = { retryBaseMs: 1_000, retryMaxMs: 60_000, maxAttempts: 5 };
const plain: Capabilities = { idempotentSend: false, images: false, delete: false };
const idempotent: Capabilities = { ...plain, idempotentSend: true };

const decideFor = (error: DeliveryError, over: Partial<DecideInput> = {}) =>
  decide({ error, capabilities: plain, attempts: 1, now: NOW, policy: POLICY, random: 0, ...over });

describe("decide", () => {
  it.each<[string, DeliveryError, Partial<DecideInput>, ReturnType<typeof decide>]>([
    [
      "duplicate -> sent, with the reason",
      deliveryError("duplicate", "already posted", { detail: "409 duplicate" }),
      {},
      { transition: { to: "sent", remoteId: null, remoteUrl: null, reason: "the platform already had this post: already posted (409 duplicate)" } },
    ],
    [
      "rejected -> rejected, no retry",
      deliveryError("rejected", "too long"),
      {},
      { transition: { to: "rejected", errorKind: "rejected", reason: "too long" } },
    ],
    [
      "unknown-outcome -> uncertain",
      deliveryError("unknown-outcome", "timed out after sending"),
      {},
      { transition: { to: "uncertain", errorKind: "unknown-outcome", reason: "timed out after sending" } },
    ],
    [
      "unknown-outcome with idempotent sends -> failed with backoff",
      deliveryError("unknown-outcome", "timed out"),
      { capabilities: idempotent, attempts: 2, random: 0 },
      { transition: { to: "failed", errorKind: "unknown-outcome", reason: "timed out", nextAttemptAt: NOW + 1_000 } },
    ],
    [
      "transient -> failed with backoff (attempt 1, random 0: half the base)",
      deliveryError("transient", "connection refused"),
      {},
      { transition: { to: "failed", errorKind: "transient", reason: "connection refused", nextAttemptAt: NOW + 500 } },
    ],
    [
      "transient -> failed with backoff (attempt 3, random 0.5)",
      deliveryError("transient", "connection refused"),
      { attempts: 3, random: 0.5 },
      { transition: { to: "failed", errorKind: "transient", reason: "connection refused", nextAttemptAt: NOW + 3_000 } },
    ],
    [
      "transient at maxAttempts -> gave up",
      deliveryError("transient", "connection refused"),
      { attempts: 5 },
      {
        transition: { to: "failed", errorKind: "transient", reason: "gave up after 5 attempts: connection refused", nextAttemptAt: Number.MAX_SAFE_INTEGER },
      },
    ],
    [
      "idempotent unknown-outcome at maxAttempts -> gave up",
      deliveryError("unknown-outcome", "reset"),
      { capabilities: idempotent, attempts: 7 },
      { transition: { to: "failed", errorKind: "unknown-outcome", reason: "gave up after 7 attempts: reset", nextAttemptAt: Number.MAX_SAFE_INTEGER } },
    ],
    [
      "rate-limited with waitMs -> failed at now+wait, destination paused until then",
      deliveryError("rate-limited", "429", { waitMs: 30_000 }),
      {},
      {
        transition: { to: "failed", errorKind: "rate-limited", reason: "429", nextAttemptAt: NOW + 30_000 },
        pauseDestination: { until: NOW + 30_000, reason: `rate limited by the platform until ${new Date(NOW + 30_000).toISOString()}` },
      },
    ],
    [
      "rate-limited: a later retryAt wins",
      deliveryError("rate-limited", "429", { waitMs: 1_000, retryAt: NOW + 900_000 }),
      {},
      {
        transition: { to: "failed", errorKind: "rate-limited", reason: "429", nextAttemptAt: NOW + 900_000 },
        pauseDestination: { until: NOW + 900_000, reason: `rate limited by the platform until ${new Date(NOW + 900_000).toISOString()}` },
      },
    ],
    [
      "rate-limited: a later waitMs wins over a past retryAt",
      deliveryError("rate-limited", "429", { waitMs: 5_000, retryAt: NOW - 10 }),
      {},
      {
        transition: { to: "failed", errorKind: "rate-limited", reason: "429", nextAttemptAt: NOW + 5_000 },
        pauseDestination: { until: NOW + 5_000, reason: `rate limited by the platform until ${new Date(NOW + 5_000).toISOString()}` },
      },
    ],
    [
      "rate-limited without a wait -> the base retry delay",
      deliveryError("rate-limited", "429"),
      {},
      {
        transition: { to: "failed", errorKind: "rate-limited", reason: "429", nextAttemptAt: NOW + 1_000 },
        pauseDestination: { until: NOW + 1_000, reason: `rate limited by the platform until ${new Date(NOW + 1_000).toISOString()}` },
      },
    ],
    [
      "auth -> paused until the operator",
      deliveryError("auth", "token revoked", { detail: "401 Unauthorized" }),
      {},
      {
        transition: { to: "failed", errorKind: "auth", reason: "token revoked (401 Unauthorized)", nextAttemptAt: NOW },
        pauseDestination: { until: null, reason: "credentials refused: token revoked (401 Unauthorized)" },
      },
    ],
    [
      "destination-broken -> paused until the operator",
      deliveryError("destination-broken", "chat not found"),
      {},
      {
        transition: { to: "failed", errorKind: "destination-broken", reason: "chat not found", nextAttemptAt: NOW },
        pauseDestination: { until: null, reason: "destination unusable: chat not found" },
      },
    ],
  ])("%s", (_name, error, over, expected) => {
    expect(decideFor(error, over)).toEqual(expected);
  });

  it.each(["transient", "unknown-outcome", "rejected", "duplicate"] as const)("%s never pauses the destination", (kind) => {
    expect(decideFor(deliveryError(kind, "x"), { capabilities: idempotent })).not.toHaveProperty("pauseDestination");
  });

  it("retries below maxAttempts, gives up at it", () => {
    const at = (attempts: number) => {
      const decision = decideFor(deliveryError("transient", "x"), { attempts });
      return "transition" in decision ? decision.transition : decision;
    };
    expect(at(4)).toMatchObject({ to: "failed", reason: "x" });
    expect(at(4)).not.toMatchObject({ nextAttemptAt: Number.MAX_SAFE_INTEGER });
    expect(at(5)).toMatchObject({ to: "failed", nextAttemptAt: Number.MAX_SAFE_INTEGER });
  });
});

describe("decide: the image step (stage image: nothing was posted)", () => {
  const IMAGE_POLICY = { ...POLICY, imageAttempts: 3 };
  const upload500 = deliveryError("transient", "uploading the image to X failed", { detail: "500 Internal Server Error", stage: "image" });
  const refused = deliveryError("rejected", "X refused the image", { detail: "400 Invalid Request: File size exceeds 5242880 bytes.", stage: "image" });
  const image = (over: Partial<DecideInput>) => ({ imageAttached: true, policy: IMAGE_POLICY, ...over });

  it.each<[string, DeliveryError, Partial<DecideInput>, ReturnType<typeof decide>]>([
    [
      "first failed upload -> retried later with the image, counted",
      upload500,
      image({ imageFailures: 0, attempts: 1 }),
      {
        transition: { to: "failed", errorKind: "transient", reason: "uploading the image to X failed (500 Internal Server Error) (image attempt 1 of 3; then the post goes without it)", nextAttemptAt: NOW + 500 },
        imageFailures: 1,
      },
    ],
    [
      "second failed upload -> retried later, with the post's backoff",
      upload500,
      image({ imageFailures: 1, attempts: 3, random: 0.5 }),
      {
        transition: { to: "failed", errorKind: "transient", reason: "uploading the image to X failed (500 Internal Server Error) (image attempt 2 of 3; then the post goes without it)", nextAttemptAt: NOW + 3_000 },
        imageFailures: 2,
      },
    ],
    [
      "the image's last attempt -> sent again now without it, and why",
      upload500,
      image({ imageFailures: 2, attempts: 3 }),
      { withoutImage: "posted without its image after 3 failed attempts: uploading the image to X failed (500 Internal Server Error)", imageFailures: 3 },
    ],
    [
      "an unknown outcome of the image step is a failed image too (nothing was posted)",
      deliveryError("unknown-outcome", "uploading the image to X failed", { detail: "ECONNRESET", stage: "image" }),
      image({ imageFailures: 2 }),
      { withoutImage: "posted without its image after 3 failed attempts: uploading the image to X failed (ECONNRESET)", imageFailures: 3 },
    ],
    [
      "imageAttempts 1 -> without the image after the first failure",
      upload500,
      image({ policy: { ...IMAGE_POLICY, imageAttempts: 1 } }),
      { withoutImage: "posted without its image after 1 failed attempt: uploading the image to X failed (500 Internal Server Error)", imageFailures: 1 },
    ],
    [
      "the post's last attempt -> without the image rather than give the post up",
      upload500,
      image({ imageFailures: 0, attempts: 5 }),
      { withoutImage: "posted without its image after 1 failed attempt: uploading the image to X failed (500 Internal Server Error)", imageFailures: 1 },
    ],
    [
      "too old to retry -> without the image at once",
      upload500,
      image({ imageFailures: 0, queuedAt: NOW - 10_000, policy: { ...IMAGE_POLICY, maxRetryAgeMs: 5_000 } }),
      { withoutImage: "posted without its image after 1 failed attempt: uploading the image to X failed (500 Internal Server Error)", imageFailures: 1 },
    ],
    [
      "an image the platform refused -> without it at once",
      refused,
      image({ imageFailures: 0 }),
      { withoutImage: "posted without its image: X refused the image (400 Invalid Request: File size exceeds 5242880 bytes.)", imageFailures: 1 },
    ],
    [
      "no image was attached -> the stage means nothing: an ordinary rejection",
      refused,
      { imageAttached: false },
      { transition: { to: "rejected", errorKind: "rejected", reason: "X refused the image (400 Invalid Request: File size exceeds 5242880 bytes.)" } },
    ],
    [
      "auth during the upload -> the account's problem: paused, image untouched",
      deliveryError("auth", "X refused the credentials", { stage: "image" }),
      image({ imageFailures: 1 }),
      {
        transition: { to: "failed", errorKind: "auth", reason: "X refused the credentials", nextAttemptAt: NOW },
        pauseDestination: { until: null, reason: "credentials refused: X refused the credentials" },
      },
    ],
    [
      "rate-limited during the upload -> the destination waits, image untouched",
      deliveryError("rate-limited", "429", { waitMs: 2_000, stage: "image" }),
      image({ imageFailures: 2 }),
      {
        transition: { to: "failed", errorKind: "rate-limited", reason: "429", nextAttemptAt: NOW + 2_000 },
        pauseDestination: { until: NOW + 2_000, reason: `rate limited by the platform until ${new Date(NOW + 2_000).toISOString()}` },
      },
    ],
  ])("%s", (_name, error, over, expected) => {
    expect(decideFor(error, over)).toEqual(expected);
  });

  it("without imageAttempts in the policy, the image gets DEFAULT_IMAGE_ATTEMPTS (3)", () => {
    expect(decideFor(upload500, { imageAttached: true, imageFailures: 1 })).toHaveProperty("transition.to", "failed");
    expect(decideFor(upload500, { imageAttached: true, imageFailures: 2 })).toHaveProperty("withoutImage");
  });
});

describe("decide: checkpoints that resume, and posts still processing", () => {
  const lost = deliveryError("unknown-outcome", "the publish answer was lost");
  it.each<[string, Partial<DecideInput>, ReturnType<typeof decide>]>([
    ["no checkpoint that resumes: held as uncertain", { resumable: false }, { transition: { to: "uncertain", errorKind: "unknown-outcome", reason: "the publish answer was lost" } }],
    [
      "a checkpoint that resumes: retried with backoff, the reason says it resumes",
      { resumable: true, attempts: 2 },
      { transition: { to: "failed", errorKind: "unknown-outcome", reason: "the publish answer was lost; the next attempt resumes from the saved checkpoint, which tells whether the post was made", nextAttemptAt: NOW + 1_000 } },
    ],
    [
      "a checkpoint that resumes, at maxAttempts: held as uncertain (crier retry resumes)",
      { resumable: true, attempts: 5 },
      { transition: { to: "uncertain", errorKind: "unknown-outcome", reason: "gave up after 5 attempts: the publish answer was lost; the next send would resume from its checkpoint (crier retry)" } },
    ],
  ])("unknown outcome, %s", (_name, over, expected) => expect(decideFor(lost, over)).toEqual(expected));

  it("processing: pending again after waitMs, the attempt not counted, whatever the attempts so far", () => {
    const error = deliveryError("processing", "container 17 is IN_PROGRESS", { waitMs: 60_000 });
    for (const attempts of [1, 5, 50]) {
      expect(decideFor(error, { attempts })).toEqual({
        transition: {
          to: "pending",
          reason: `the platform is still processing the post; looking again at ${new Date(NOW + 60_000).toISOString()}: container 17 is IN_PROGRESS`,
          nextAttemptAt: NOW + 60_000,
          uncountAttempt: true,
        },
      });
    }
  });

  it("processing past the delivery's age limit: uncertain (the post may still appear), not pending forever", () => {
    const error = deliveryError("processing", "PROCESSING_DOWNLOAD", { waitMs: 15_000 });
    expect(decideFor(error, { policy: { ...POLICY, maxRetryAgeMs: 3_600_000 }, queuedAt: NOW - 3_600_000 })).toEqual({
      transition: { to: "uncertain", errorKind: "processing", reason: "still being processed by the platform when the delivery reached its age limit: the post may or may not appear (PROCESSING_DOWNLOAD)" },
    });
  });

  it("processing with an image attached is not an image failure", () => {
    const error = deliveryError("processing", "not ready", { waitMs: 1_000, stage: "image" });
    expect(decideFor(error, { imageAttached: true, imageFailures: 2 })).toMatchObject({ transition: { to: "pending", nextAttemptAt: NOW + 1_000 } });
  });
});

describe("backoffMs", () => {
  it.each([
    // attempts, base, cap, random, expected
    [1, 1_000, 60_000, 0, 500],
    [1, 1_000, 60_000, 0.999_999, 1_000],
    [2, 1_000, 60_000, 0, 1_000],
    [3, 1_000, 60_000, 0.5, 3_000],
    [0, 1_000, 60_000, 0, 500],
    [10, 1_000, 60_000, 0, 30_000],
    [10, 1_000, 60_000, 0.999_999, 60_000],
    [2_000, 1_000, 60_000, 0.5, 45_000],
  ])("attempt %i, base %i, cap %i, random %f -> %i", (attempts, base, cap, random, expected) => {
    expect(backoffMs(attempts, base, cap, random)).toBe(expected);
  });

  it("property: between exp/2 and exp, where exp = min(cap, base * 2^(attempts-1))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, base, cap, random) => {
          const exp = Math.min(cap, base * 2 ** (attempts - 1));
          const wait = backoffMs(attempts, base, cap, random);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(exp / 2));
          expect(wait).toBeLessThanOrEqual(Math.ceil(exp));
          expect(wait).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });
});
