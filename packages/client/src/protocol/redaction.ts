/**
 * Redaction: keeps secrets (an AccessKey secret, a security token) out of texts that leave the client or the proxy
 * (error messages and bodies, log lines, reports, headers). Every occurrence of a secret, as it is, percent-encoded
 * once and twice (as RPC and URL encoding write it) and JSON-escaped, becomes `[REDACTED]`. A secret shorter than 4
 * characters is not looked for: it would match ordinary text.
 */
import { percentEncodeRpc } from './signing.js';

export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

const MIN_SECRET_LENGTH = 4;

/** A redactor of these secrets (undefined ones are skipped); with none to look for, texts pass unchanged. */
export function makeRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    try {
      const once = percentEncodeRpc(s);
      forms.add(once);
      forms.add(percentEncodeRpc(once));
      forms.add(encodeURIComponent(s));
    } catch {
      /* a lone surrogate: only the raw and JSON forms */
    }
  }
  // Longest first, so that no shorter form cuts a longer one apart.
  const list = [...forms].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => list.reduce((t, f) => (t.includes(f) ? t.split(f).join(REDACTED) : t), text);
}
