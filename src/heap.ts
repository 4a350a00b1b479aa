/**
 * How much memory V8 keeps for itself, set at run time: a cap on its young generation, V8's size
 * mode while feed bodies are parsed, and whether its optimizing compiler may compile WebAssembly.
 *
 * The young generation:
 * V8 grows its young generation (two semi-spaces) up to 32 MB on a 64-bit machine whenever more
 * bytes survive its scavenges than it holds; a poll cycle of thousands of feeds does that, and
 * those 32 MB were a fifth of Crier's peak. `--max-semi-space-size` can only be given on the
 * command line, but V8 reads `--semi-space-growth-factor` each time it grows the young generation,
 * so growth is stopped (factor 1) once the cap is reached and allowed again (factor 2, V8's
 * default) if V8 shrinks it below the cap, e.g. while the service idles between ticks.
 */
import v8 from "node:v8";
import { PerformanceObserver } from "node:perf_hooks";

/** What the process lets V8 keep: the config's `memory` section, whose defaults are these. */
export interface MemorySettings {
  /** Cap on the young generation in MB (both semi-spaces); 0: V8's own sizing. */
  youngGenerationMB: number;
  optimizeForSizeWhileParsing: boolean;
  optimizeWasm: boolean;
}

/**
 * Crier's defaults, measured in bench/DIAGNOSIS.md: a young generation of 8 MB gave ~20 MB lower
 * peaks at no CPU cost beyond run noise; the other two are explained at their functions below.
 */
export const DEFAULT_MEMORY: Readonly<MemorySettings> = { youngGenerationMB: 8, optimizeForSizeWhileParsing: true, optimizeWasm: false };

/** Applies all three settings (process-wide; the last call wins). */
export function applyMemorySettings(settings: MemorySettings): void {
  capYoungGeneration(settings.youngGenerationMB);
  optimizeForSizeWhileParsing(settings.optimizeForSizeWhileParsing);
  optimizeWasm(settings.optimizeWasm);
}

const V8_GROWTH_FACTOR = 2;
let observer: PerformanceObserver | null = null;
let factor = V8_GROWTH_FACTOR;

/** Bytes V8 has committed to its young generation now (both semi-spaces). */
export function youngGenerationBytes(): number {
  for (const space of v8.getHeapSpaceStatistics()) if (space.space_name === "new_space") return space.space_size;
  return 0;
}

function setGrowthFactor(next: number): void {
  if (next === factor) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${next}`);
  factor = next;
}

/**
 * Keeps the young generation at or under `mb` megabytes from now on (V8 doubles it, so it settles
 * at the smallest power of two at or over `mb`; a burst of allocation between two of V8's GC
 * reports can overshoot by one doubling). `mb` 0 gives V8 its own sizing back. Process-wide:
 * the last call wins.
 */
export function capYoungGeneration(mb: number): void {
  observer?.disconnect();
  observer = null;
  if (!(mb > 0)) {
    setGrowthFactor(V8_GROWTH_FACTOR);
    return;
  }
  const cap = mb * 1024 * 1024;
  const check = (): void => setGrowthFactor(youngGenerationBytes() >= cap ? 1 : V8_GROWTH_FACTOR);
  check();
  // Garbage collections are reported after they end: the next growth, if any, sees the new factor.
  observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ["gc"] });
}

/**
 * Whether V8's optimizing compiler (TurboFan) may compile WebAssembly. The only WebAssembly Crier
 * runs is undici's HTTP parser (llhttp); once it is hot, TurboFan compiles its state machine, which
 * takes ~25 MB for a moment, on top of whatever the poll cycle holds then. Its baseline code
 * (Liftoff) measured the same CPU per poll. Applies to functions compiled from now on.
 */
export function optimizeWasm(on: boolean): void {
  v8.setFlagsFromString(on ? "--no-liftoff-only" : "--liftoff-only");
}

/**
 * V8's size mode (`--optimize-for-size`) while Crier parses feed bodies.
 *
 * Parsing makes nearly all of a poll cycle's garbage (the decoded text, the XML tree, the items).
 * A cycle that parses thousands of bodies (the first poll of a large config) promoted much of it to
 * V8's old generation before V8's first full GC, whose limit V8 derives from the machine's memory,
 * not from the heap: at 10,000 feeds the process reached ~210 MB before that GC came. In size mode
 * V8 starts its full GCs sooner, with its memory-reducing flags, and sets the next limits
 * conservatively: the same cycle peaked at ~125-135 MB, for ~5% more CPU (bench/DIAGNOSIS.md).
 * Outside a parse V8 keeps its defaults: size mode for the whole process cost ~40% more CPU in
 * 10,000-feed cycles of 304s, which never parse. Process-wide: the last call wins.
 */
let sizeModeWhileParsing = DEFAULT_MEMORY.optimizeForSizeWhileParsing;
let parsesInFlight = 0;
// A process started with --optimize-for-size keeps it: the scope below would turn it off.
const sizeModeFromCommandLine = /--optimize[-_]for[-_]size\b/.test(`${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`);

export function optimizeForSizeWhileParsing(on: boolean): void {
  sizeModeWhileParsing = on;
}

/** Whether V8 is in size mode for a parse now (for tests and diagnostics). */
export function inParseSizeMode(): boolean {
  return parsesInFlight > 0;
}

/**
 * Runs `parse` with V8 in size mode (if enabled). Parses may overlap: the mode is on from the first
 * one's start to the last one's end.
 */
export async function whileParsing<T>(parse: () => Promise<T>): Promise<T> {
  if (!sizeModeWhileParsing || sizeModeFromCommandLine) return parse();
  if (parsesInFlight++ === 0) v8.setFlagsFromString("--optimize-for-size");
  try {
    return await parse();
  } finally {
    if (--parsesInFlight === 0) v8.setFlagsFromString("--no-optimize-for-size");
  }
}
