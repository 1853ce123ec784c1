/**
 * The YAML text of a published description. Written for YAML 1.1 (`version: '1.1'`): every string a YAML 1.1 loader
 * would read as another type — a date such as `2020-03-31`, a boolean such as `yes` or `on`, a number such as `0777`,
 * `1_000` or `12:30` — is quoted, so PyYAML, SnakeYAML and js-yaml's YAML 1.1 schema read the same document as a YAML
 * 1.2 loader and as the JSON twin (tests/unit/contract/yaml11.test.ts). No `%YAML` directive is written.
 */
import { stringify } from 'yaml';

export const publishedYaml = (doc: unknown): string =>
  stringify(doc, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
