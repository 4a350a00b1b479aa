import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { censorSecretKeys, createLogger } from "./log.js";

/** A logger whose lines are collected as parsed JSON. */
function capture(secretValues: string[] = []) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: "trace", secretValues, destination: sink, pretty: false });
  return { logger, lines };
}

describe("censorSecretKeys", () => {
  it.each([
    ["top level", { token: "t0p", feed: "f" }, { token: "[redacted]", feed: "f" }],
    ["one level down", { request: { authorization: "Bearer x", path: "/p" } }, { request: { authorization: "[redacted]", path: "/p" } }],
    ["two levels down", { a: { headers: { Authorization: "Bearer x" } } }, { a: { headers: { Authorization: "[redacted]" } } }],
    ["inside arrays", { list: [{ password: "pw" }, { name: "n" }] }, { list: [{ password: "[redacted]" }, { name: "n" }] }],
    ["every key of the list", { botToken: 1, accessToken: 2, appSecret: 3, webhookUrl: "u", apiKey: "k" }, { botToken: "[redacted]", accessToken: "[redacted]", appSecret: "[redacted]", webhookUrl: "[redacted]", apiKey: "[redacted]" }],
    ["keys that only look alike are kept", { tokens: 2, secretary: "s", tokenCount: 1 }, { tokens: 2, secretary: "s", tokenCount: 1 }],
    ["beyond three levels (as the old `*.*.key` paths)", { a: { b: { c: { token: "deep" } } } }, { a: { b: { c: { token: "deep" } } } }],
  ])("%s", (_name, input, expected) => {
    const before = structuredClone(input);
    expect(censorSecretKeys(input)).toEqual(expected);
    expect(input).toEqual(before); // the caller's object is never changed
  });

  it("returns the same object when there is nothing to censor (no copy per line)", () => {
    const fields = { feed: "f", n: 1, nested: { a: [1, 2] } };
    expect(censorSecretKeys(fields)).toBe(fields);
  });

  it("copies an error with a secret as pino serializes it: message and stack kept", () => {
    const err = Object.assign(new Error("boom"), { config: { headers: { authorization: "Bearer x" } } });
    const out = censorSecretKeys({ cause: err }) as { cause: Record<string, unknown> };
    expect(out.cause).toMatchObject({ message: "boom", config: { headers: { authorization: "[redacted]" } } });
    expect(String(out.cause.stack)).toContain("boom");
    expect(err.config.headers.authorization).toBe("Bearer x");
  });
});

describe("createLogger", () => {
  it("censors secret keys in fields, nested fields, errors and child bindings", () => {
    const { logger, lines } = capture();
    logger.info({ feed: "f1", token: "abc", request: { headers: { authorization: "Bearer zz" } } }, "one");
    const err = Object.assign(new TypeError("bad request"), { response: { headers: { authorization: "Bearer qq" } }, status: 401 });
    logger.error({ err, destination: "d1" }, "two");
    logger.child({ destination: "d2", accessToken: "child-secret" }).warn({ password: "pw" }, "three");
    logger.error(err, "four");
    expect(lines[0]).toMatchObject({ msg: "one", feed: "f1", token: "[redacted]", request: { headers: { authorization: "[redacted]" } } });
    expect(lines[1]).toMatchObject({ msg: "two", destination: "d1", err: { type: "TypeError", message: "bad request", status: 401, response: { headers: { authorization: "[redacted]" } } } });
    expect(String((lines[1]!.err as { stack: string }).stack)).toContain("TypeError: bad request");
    expect(lines[2]).toMatchObject({ msg: "three", destination: "d2", accessToken: "[redacted]", password: "[redacted]" });
    expect(lines[3]).toMatchObject({ msg: "four", err: { type: "TypeError", response: { headers: { authorization: "[redacted]" } } } });
    expect(JSON.stringify(lines)).not.toMatch(/Bearer|child-secret|"abc"|"pw"/);
  });

  it("scrubs secret values from the final line, wherever they appear", () => {
    const { logger, lines } = capture(["s3cr3t-value"]);
    logger.warn({ url: "https://api.example/bots3cr3t-value/send", note: "s3cr3t-value" }, "failed with s3cr3t-value");
    expect(JSON.stringify(lines)).not.toContain("s3cr3t-value");
    expect(lines[0]).toMatchObject({ url: "https://api.example/bot[redacted]/send", note: "[redacted]", msg: "failed with [redacted]" });
  });

  it("logs an error without secrets with its type, message and stack, once serialized", () => {
    const { logger, lines } = capture();
    logger.error({ err: new RangeError("out of range") }, "x");
    expect(lines[0]!.err).toMatchObject({ type: "RangeError", message: "out of range" });
    expect(Object.keys(lines[0]!.err as object)).not.toContain("raw");
  });
});
