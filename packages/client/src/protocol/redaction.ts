/** The client's redaction: the AccessKey secret and the security token taken out of texts from outside. */
import { percentEncodeRpc } from './signing.js';

const REDACTED = '[REDACTED]';

/** Replaces every occurrence of a secret (as is, percent-encoded once and twice) in a text. */
export function makeRedactor(secrets: readonly (string | undefined)[]): (s: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    forms.add(s);
    try {
      const once = percentEncodeRpc(s);
      forms.add(once);
      forms.add(percentEncodeRpc(once));
      forms.add(encodeURIComponent(s));
    } catch {
      /* a lone surrogate: only the raw form */
    }
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => list.reduce((t, f) => t.split(f).join(REDACTED), text);
}
