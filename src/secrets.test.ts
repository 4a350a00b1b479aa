import { describe, expect, it } from "vitest";
import { createScrubber, SECRET_KEYS } from "./secrets.js";

const TOKEN = "123456:ABC-def/ghi+j k\"l\\m";

describe("createScrubber", () => {
  it.each([
    ["plain", `token=${TOKEN} end`, "token=[redacted] end"],
    ["URL-encoded", `GET /bot${encodeURIComponent(TOKEN)}/sendMessage`, "GET /bot[redacted]/sendMessage"],
    ["form-encoded (+ for space)", `body=${encodeURIComponent(TOKEN).replace(/%20/g, "+")}`, "body=[redacted]"],
    ["JSON-escaped", JSON.stringify({ token: TOKEN }), '{"token":"[redacted]"}'],
    ["every occurrence", `${TOKEN} and ${TOKEN}`, "[redacted] and [redacted]"],
    ["other text untouched", "nothing secret here", "nothing secret here"],
  ])("%s", (_name, text, expected) => {
    expect(createScrubber([TOKEN])(text)).toBe(expected);
  });

  it.each([
    ["a 5-character value is ignored", ["abcde"], "abcde here", "abcde here"],
    ["a 6-character value is scrubbed", ["abcdef"], "abcdef here", "[redacted] here"],
    ["short values ignored, long ones kept", ["true", "1", "s3cr3t-value"], "true 1 s3cr3t-value", "true 1 [redacted]"],
    ["no secrets: identity", [], "anything", "anything"],
    ["regex metacharacters are literal", ["a.b*c+d?(e)"], "a.b*c+d?(e) axbbcd", "[redacted] axbbcd"],
    ["a secret containing another is replaced whole", ["secret", "secret-longer"], "secret-longer secret", "[redacted] [redacted]"],
  ])("%s", (_name, secrets, text, expected) => {
    expect(createScrubber(secrets)(text)).toBe(expected);
  });

  it("never leaves any part of the secret behind", () => {
    const scrub = createScrubber([TOKEN]);
    const log = [TOKEN, encodeURIComponent(TOKEN), JSON.stringify(TOKEN)].join(" | ");
    const out = scrub(log);
    expect(out).not.toContain("ABC-def");
    expect(out).not.toContain("ABC-def".replace("-", "%2D"));
  });

  it("learns secrets later (a renewed token): scrubbed from then on, the earlier ones still", () => {
    const scrub = createScrubber([TOKEN]);
    expect(scrub("act.renewed-0001 and " + TOKEN)).toBe("act.renewed-0001 and [redacted]");
    scrub.add(["act.renewed-0001", "tiny"]);
    expect(scrub("act.renewed-0001 and " + TOKEN + " tiny")).toBe("[redacted] and [redacted] tiny");
    const empty = createScrubber([]);
    empty.add(["rft.later-0002"]);
    expect(empty(`?refresh_token=${encodeURIComponent("rft.later-0002")}`)).toBe("?refresh_token=[redacted]");
  });

  it("lists the usual secret config keys", () => {
    expect(SECRET_KEYS).toEqual(expect.arrayContaining(["botToken", "accessToken", "appSecret", "password", "webhookUrl"]));
  });
});
