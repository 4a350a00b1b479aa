import { describe, expect, it } from "vitest";
import { xConfig } from "./config.js";
import { xAdapter } from "./index.js";

const creds = { appKey: "k", appSecret: "s", accessToken: "t", accessSecret: "a" };

describe("xConfig", () => {
  it("fills the defaults", () => {
    expect(xConfig.parse(creds)).toEqual({ ...creds, apiBase: "https://api.x.com" });
  });

  it.each<[string, Record<string, unknown>]>([
    ["a missing secret", { appKey: "k", appSecret: "s", accessToken: "t" }],
    ["an empty secret", { ...creds, appSecret: "" }],
    ["an unknown key", { ...creds, bearerToken: "x" }],
    ["a non-http apiBase", { ...creds, apiBase: "ftp://api.x.com" }],
    ["an apiBase with a query", { ...creds, apiBase: "https://api.x.com/?a=1" }],
    ["a handle with a dash", { ...creds, username: "bad-name" }],
    ["a 16-character handle", { ...creds, username: "a".repeat(16) }],
    ["a maxLength (the destination's common field, not the platform's)", { ...creds, maxLength: 280 }],
  ])("refuses %s", (_name, input) => {
    expect(xConfig.safeParse(input).success).toBe(false);
  });

  it("accepts ${ENV} references before they are resolved, and strips @ from the handle", () => {
    expect(xConfig.parse({ ...creds, apiBase: "${X_API_BASE}", username: "@crier_bot" })).toMatchObject({
      apiBase: "${X_API_BASE}", username: "crier_bot",
    });
  });

  it("lists every credential as a secret, and describes every field", () => {
    expect([...xAdapter.secrets].sort()).toEqual(["accessSecret", "accessToken", "appKey", "appSecret"]);
    for (const [name, field] of Object.entries(xConfig.shape)) expect(field.description, name).toBeTruthy();
  });
});
