/** `${NAME}` references in config values, resolved from the environment at run time. Pure. */

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface EnvResolution<T> {
  value: T;
  /** Values that came from the environment (treated as secrets). */
  values: string[];
  missing: Array<{ variable: string; path: string }>;
}

/** Replaces every `${NAME}` in the string leaves of `input`. Missing names are listed, left as is. */
export function resolveEnvRefs<T>(input: T, env: NodeJS.ProcessEnv, at: string): EnvResolution<T> {
  const values: string[] = [];
  const missing: Array<{ variable: string; path: string }> = [];
  const walk = (node: unknown, where: string): unknown => {
    if (typeof node === "string") {
      return node.replace(ENV_REF, (whole, name: string) => {
        const value = env[name];
        if (value === undefined || value === "") {
          missing.push({ variable: name, path: where });
          return whole;
        }
        values.push(value);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${where}[${i}]`));
    if (node && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, `${where}.${k}`)]));
    }
    return node;
  };
  return { value: walk(input, at) as T, values, missing };
}
