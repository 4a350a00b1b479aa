/** The config error on its own: the CLI catches it without loading the config stack (zod, YAML). */
/** The config cannot be used; `problems` lists every one, each naming its path (and line). */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`} in the config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}
