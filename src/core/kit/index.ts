/**
 * The adapter kit: what every adapter used to write again. Everything exported here is pure and
 * loads no HTTP client. The JSON client (json-client.ts) is imported by path from an adapter's
 * send side only, because it loads undici.
 */
export * from "./network-error.js";
export * from "./rate-limit-headers.js";
export * from "./http-error.js";
export * from "./http-classify.js";
export * from "./secret-fields.js";
export * from "./define-adapter.js";
export * from "./request-path.js";
