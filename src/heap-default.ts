/**
 * Imported first by the entry points (the CLI, services/open.ts), so that Crier's memory defaults are in
 * place before the rest loads (loading alone grows the young generation to 16 MB) and before any
 * request. The config's `memory` section replaces them when Crier is opened (openCrier).
 */
import { applyMemorySettings, DEFAULT_MEMORY } from "./heap.js";

applyMemorySettings(DEFAULT_MEMORY);
