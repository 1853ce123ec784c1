/**
 * Example selection, Prism's way: `Prefer: code=409, example=<Name>` or the query parameters `__code` / `__example`
 * (which are mock controls, never action parameters). The query parameters replace the header.
 */
import type { ActionCatalogue, ExampleEntry } from '../frontend/catalogue.js';

export interface Preference {
  readonly code?: string;
  readonly example?: string;
}

/** Longest name or code echoed back in an error message. */
const ECHO_MAX = 100;

/**
 * The preference of a request: `__code` / `__example` when either is given (the header is then ignored), otherwise
 * `code` and `example` of the Prefer header (`,` or `;` separated, values optionally quoted).
 */
export function parsePrefer(
  header: string | undefined,
  queryCode: string | undefined,
  queryExample: string | undefined,
): Preference | undefined {
  let code = queryCode || undefined;
  let example = queryExample || undefined;
  if (header && code === undefined && example === undefined) {
    for (const part of header.split(/[,;]/)) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      let value = part.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value === '') continue;
      if (key === 'code' && code === undefined) code = value;
      else if (key === 'example' && example === undefined) example = value;
    }
  }
  return code === undefined && example === undefined
    ? undefined
    : { ...(code !== undefined ? { code } : {}), ...(example !== undefined ? { example } : {}) };
}

export type Selection =
  { readonly ok: true; readonly entry: ExampleEntry } | { readonly ok: false; readonly message: string };

const echo = (s: string) => JSON.stringify(s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}…` : s);

/** The example a preference names for an action, or why there is none. */
export function selectExample(catalogue: ActionCatalogue, pref: Preference): Selection {
  const documented = () =>
    [...catalogue.byStatus].map(([status, list]) => `${status}: ${list.map((e) => e.name).join(', ')}`).join('; ');
  let status: number | undefined;
  if (pref.code !== undefined) {
    status = /^[1-5][0-9]{2}$/.test(pref.code) ? Number(pref.code) : NaN;
    if (!catalogue.byStatus.has(status)) {
      return {
        ok: false,
        message:
          `Prefer code=${echo(pref.code)}: ${catalogue.action} documents no example with that HTTP status` +
          ` (documented: ${documented()}).`,
      };
    }
  }
  if (pref.example !== undefined) {
    const entry = catalogue.byName.get(pref.example);
    if (!entry)
      return {
        ok: false,
        message:
          `Prefer example=${echo(pref.example)}: ${catalogue.action} documents no example of that name` +
          ` (documented: ${documented()}).`,
      };
    if (status !== undefined && entry.status !== status) {
      return {
        ok: false,
        message:
          `Prefer example=${echo(pref.example)} is a ${entry.status} response of ${catalogue.action}, not` +
          ` ${status}.`,
      };
    }
    return { ok: true, entry };
  }
  return { ok: true, entry: catalogue.byStatus.get(status!)![0]! };
}
