/** Request paths for the kit's JSON client. Pure; loads nothing (send modules import it freely). */

/**
 * `encodePath\`/webhooks/${id}/${token}\``: each interpolated value percent-encoded as one path
 * segment, so that an id or token can never add a segment or a query. Pure.
 */
export function encodePath(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}
