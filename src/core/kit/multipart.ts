/**
 * multipart/form-data bodies for the kit's JSON client, encoded by undici itself.
 *
 * Why undici's own FormData and not the global one: the request API of src/core/http.ts is this
 * package's undici, whose encoder (web/fetch/body.js extractBody) accepts only its own FormData
 * class; Node's global FormData belongs to the undici bundled in Node and fails there
 * ("action is not a function"). Loaded on first use (~1 MB), like the encoder undici loads then.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** One file part. */
export interface MultipartFile {
  /** The form field's name, e.g. "photo", "file", "media". */
  name: string;
  bytes: Uint8Array;
  filename: string;
  /** e.g. "image/jpeg". */
  type: string;
}

/** A multipart body as plain data: text fields (repeated names allowed) and file parts, in order. */
export interface MultipartBody {
  fields?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;
  files?: readonly MultipartFile[];
}

interface UndiciFormData {
  append(name: string, value: string | Blob, filename?: string): void;
}

let FormDataClass: (new () => UndiciFormData) | undefined;

/** undici's FormData holding `body`, for undici's `request`, which sets the boundary's Content-Type. */
export function toFormData(body: MultipartBody): UndiciFormData {
  FormDataClass ??= (require("undici/lib/web/fetch/formdata.js") as { FormData: new () => UndiciFormData }).FormData;
  const form = new FormDataClass();
  const fields = Array.isArray(body.fields) ? body.fields : Object.entries(body.fields ?? {});
  for (const [name, value] of fields as ReadonlyArray<readonly [string, string]>) form.append(name, value);
  for (const file of body.files ?? []) form.append(file.name, new Blob([file.bytes], { type: file.type }), file.filename);
  return form;
}
