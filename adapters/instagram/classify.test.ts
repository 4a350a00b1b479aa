// classify is pure: every recorded answer (replayed at its step through the real send), the
// flow's own errors, and the step rule (only publish can have posted), in tables.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HttpError, type DeliveryError } from "../../src/core/index.js";
import { instagramAdapter } from "./index.js";
import { NOT_READY_WAIT_MS, QUOTA_WAIT_MS, classifyInstagram, redactTokens } from "./classify.js";
import { InstagramContainerError, InstagramNotReadyError, InstagramQuotaError, InstagramStepError } from "./errors.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";

type Expect = Partial<DeliveryError> & Pick<DeliveryError, "kind">;
const FIXTURES: Record<string, Expect> = {
  "400-36000-2207004-image-too-large": { kind: "rejected", stage: "image" },
  "400-36001-2207005-format": { kind: "rejected", stage: "image" },
  "400-36003-2207009-aspect-ratio": { kind: "rejected", stage: "image" },
  "400-36004-2207010-caption-too-long": { kind: "rejected" },
  "400-100-2207040-too-many-tags": { kind: "rejected" },
  "400-9004-2207052-fetch-failed": { kind: "transient", stage: "image" },
  "400--2-2207003-download-timeout": { kind: "transient", stage: "image" },
  "400--1-2207032-create-failed": { kind: "transient" },
  "400-9007-2207027-not-ready": { kind: "processing", waitMs: NOT_READY_WAIT_MS },
  "400-9-2207042-quota": { kind: "rate-limited", waitMs: QUOTA_WAIT_MS, scope: "account" },
  "400--2-2207020-expired": { kind: "transient" },
  "400-24-2207008-builder-missing": { kind: "transient", waitMs: 60_000 },
  "400--1-2207001-server-error": { kind: "unknown-outcome" }, // at publish: may have posted
  "400-4-2207051-spam": { kind: "destination-broken" },
  "400-25-2207050-restricted": { kind: "destination-broken" },
  "400-190-463-token-expired": { kind: "auth" },
  "400-10-permission": { kind: "destination-broken" },
  "400-80002-throttled": { kind: "rate-limited", waitMs: 17 * 60_000, scope: "account" },
  "502-proxy-html": { kind: "unknown-outcome" }, // at publish
};

describe("classifyInstagram: recorded answers at their step", () => {
  it("has a row for every fixture", () => {
    expect(readdirSync(new URL("./fixtures/", import.meta.url)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  it.each(Object.entries(FIXTURES))("%s", async (name, expected) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(InstagramStepError);
    const result = instagramAdapter.classify(err);
    expect(result).toMatchObject(expected);
    if (expected.stage === undefined) expect(result.stage).toBeUndefined();
    expect(result.detail).toMatch(/^HTTP \d{3} /);
  });
});

const graphHttp = (status: number, error?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new HttpError({ method: "POST", route: "/v27.0/1/media_publish" }, status, error ? { error: { type: "OAuthException", fbtrace_id: "x", message: "m", ...error } } : "<html>oops</html>", headers, {});
const at = (step: ConstructorParameters<typeof InstagramStepError>[0], err: unknown) => new InstagramStepError(step, err);
const network = (code: string) => Object.assign(new Error(`socket ${code}`), { code });

describe("the step decides what an ambiguous failure means: only publish can have posted", () => {
  it.each<[string, unknown, DeliveryError["kind"]]>([
    ["a 502 while creating the container", at("create", graphHttp(502)), "transient"],
    ["a 502 while publishing", at("publish", graphHttp(502)), "unknown-outcome"],
    ["a reset while reading the status", at("status", network("ECONNRESET")), "transient"],
    ["a reset while publishing", at("publish", network("ECONNRESET")), "unknown-outcome"],
    ["a refused connection while publishing", at("publish", network("ECONNREFUSED")), "transient"],
    ["is_transient at create", at("create", graphHttp(400, { code: 12345, is_transient: true })), "transient"],
    ["is_transient at publish", at("publish", graphHttp(400, { code: 12345, is_transient: true })), "unknown-outcome"],
    ["an undocumented code at publish", at("publish", graphHttp(400, { code: 12345 })), "unknown-outcome"],
    ["a failing checkpoint store", at("checkpoint", new Error("SQLITE_FULL")), "transient"],
    ["code 100/33 (no such object) at create: wrong userId", at("create", graphHttp(400, { code: 100, error_subcode: 33 })), "destination-broken"],
    ["code 100/33 while reading a container: Meta's read outages", at("status", graphHttp(400, { code: 100, error_subcode: 33 })), "transient"],
    ["code 4 (app throttled)", at("quota", graphHttp(400, { code: 4 })), "rate-limited"],
    ["code 368 (policy block)", at("publish", graphHttp(400, { code: 368 })), "destination-broken"],
    ["code 200 (permission)", at("publish", graphHttp(400, { code: 200 })), "destination-broken"],
  ])("%s → %s", (_n, err, kind) => expect(classifyInstagram(err)?.kind).toBe(kind));

  it("the flow's own states", () => {
    expect(classifyInstagram(new InstagramNotReadyError("1"))).toMatchObject({ kind: "processing", waitMs: NOT_READY_WAIT_MS });
    expect(classifyInstagram(new InstagramQuotaError(50, 50, 86_400, 1_800_000_000_000, 86_400_000))).toMatchObject({ kind: "rate-limited", retryAt: 1_800_000_000_000, waitMs: 86_400_000, scope: "account" });
  });

  it.each<[string, Expect]>([
    ["Error: Media upload has failed with error code 2207052", { kind: "transient", stage: "image" }],
    ["Error: Media upload has failed with error code 2207009", { kind: "rejected", stage: "image" }],
    ["Error: Media upload has failed with error code 2207001", { kind: "transient" }],
    ["Error: something new", { kind: "rejected" }],
  ])("an ERROR container with status %j", (status, expected) => {
    expect(classifyInstagram(new InstagramContainerError("1", status))).toMatchObject({ ...expected, detail: status });
  });

  it("a throttle without the BUC header waits the hour of the platform limits; tokens never reach a detail", () => {
    expect(classifyInstagram(at("quota", graphHttp(400, { code: 80002 })))).toMatchObject({ kind: "rate-limited", waitMs: 3_600_000 });
    expect(redactTokens("GET /refresh_access_token?grant_type=ig_refresh_token&access_token=IGAAsecret123 failed; IGQVJabcdefghijklmnopqrstuvwxyz")).toBe("GET /refresh_access_token?grant_type=ig_refresh_token&access_token={secret} failed; {secret}");
  });

  it("classifies anything else without throwing", () => {
    for (const weird of [undefined, null, "x", 42, {}, new Error("x"), Object.create(null)]) expect(instagramAdapter.classify(weird).kind).toBeTruthy();
  });
});
