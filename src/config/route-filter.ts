/** Route filters at config load: each pattern compiled once, one that needs backtracking refused. Pure. */
import type { Matcher, RouteFilter, RouteFilterConfig } from "./schema.js";
import { compilePattern } from "../text/pattern.js";

/**
 * A route's filter with its patterns compiled, once, at config load. A pattern that cannot run in
 * linear time is reported through `refuse` with its path in the filter (["exclude", "regex"]).
 */
export function compileRouteFilter(config: RouteFilterConfig, refuse: (path: ["include" | "exclude", "regex"], reason: string) => void): RouteFilter {
  const { include, exclude, ...rest } = config;
  const compiled: RouteFilter = rest;
  if (include) compiled.include = compileMatcher(include, (reason) => refuse(["include", "regex"], reason));
  if (exclude) compiled.exclude = compileMatcher(exclude, (reason) => refuse(["exclude", "regex"], reason));
  return compiled;
}

function compileMatcher({ regex, ...rest }: NonNullable<RouteFilterConfig["include"]>, refuse: (reason: string) => void): Matcher {
  if (regex === undefined) return rest;
  const pattern = compilePattern(regex);
  if (pattern.ok) return { ...rest, regex: pattern.pattern };
  refuse(pattern.reason);
  return rest;
}
