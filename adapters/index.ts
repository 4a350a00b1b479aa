/** Every installed adapter, loaded (the registry, one line per platform, is ./registry.ts). */
import type { AnyAdapter } from "../src/core/index.js";
import { loadAllAdapters } from "./registry.js";

export { adapterLoaders, refusedPlatforms } from "./registry.js";

export const adapters: ReadonlyMap<string, AnyAdapter> = await loadAllAdapters();
