/**
 * Keeps the proxy's credentials out of everything it writes (log lines, the report, error bodies, headers it adds):
 * every occurrence of the secret or the security token, as is and percent-encoded, becomes `[REDACTED]`.
 */
import { percentEncodeRpc } from '@rd-contract/client/protocol';

export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    try {
      forms.add(percentEncodeRpc(s));
      forms.add(percentEncodeRpc(percentEncodeRpc(s)));
      forms.add(encodeURIComponent(s));
      forms.add(JSON.stringify(s).slice(1, -1));
    } catch {
      /* a lone surrogate: the raw form only */
    }
  }
  const list = [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => list.reduce((t, f) => (t.includes(f) ? t.split(f).join(REDACTED) : t), text);
}
