/** The types adapters may import. Everything here is plain data or a pure helper. */
export * from "./feed-item.js";
export * from "./delivery-error.js";
export * from "./adapter.js";
export * from "./kit/index.js";
