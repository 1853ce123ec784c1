// Every published YAML reads the same in a YAML 1.1 loader as its JSON twin: a loader that follows YAML 1.1 (PyYAML,
// SnakeYAML, js-yaml's YAML 1.1 schema) turns an unquoted `2020-03-31` into a date, `yes` into a boolean, `0777`
// into a number, so `info.version` or the only allowed `Version` would stop being strings. The build quotes them
// (scripts/contract/yaml.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { publishedYaml } from '../../../scripts/contract/yaml.js';
import { apiEntries, repoRoot } from '../../helpers/contract.js';

const loadYaml11 = (text: string): unknown => jsYaml.load(text, { schema: jsYaml.YAML11_SCHEMA });

const published = apiEntries.flatMap(({ folder }) => {
  const dir = join(repoRoot, 'generated', folder);
  const actions = readdirSync(join(dir, 'actions'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, 'actions', f));
  return [join(dir, 'openapi.yaml'), ...actions];
});

describe('published YAML under a YAML 1.1 loader', () => {
  it('there are published descriptions to check: full and per action, for every API', () => {
    expect(published.length).toBeGreaterThanOrEqual(apiEntries.length * 2);
  });

  it.each(published.map((file) => [relative(repoRoot, file), file] as const))(
    '%s equals its JSON twin',
    (_name, file) => {
      const twin = JSON.parse(readFileSync(file.replace(/\.yaml$/, '.json'), 'utf8'));
      const text = readFileSync(file, 'utf8');
      expect(loadYaml11(text)).toEqual(twin);
      expect(parse(text)).toEqual(twin);
    },
  );

  it('the check can fail: unquoted dates, booleans and numbers are read as such by the YAML 1.1 loader', () => {
    const loaded = loadYaml11(
      'version: 2020-03-31\nenum: [2020-03-31]\nflag: yes\nmode: 0777\nclock: 12:30\n',
    ) as Record<string, unknown>;
    expect(loaded.version).toBeInstanceOf(Date);
    expect((loaded.enum as unknown[])[0]).toBeInstanceOf(Date);
    expect(loaded.flag).toBe(true);
    expect(loaded.mode).toBe(511);
    expect(loaded.clock).toBe(750);
  });

  it('the build quotes every such string', () => {
    const doc = {
      version: '2020-03-31',
      enum: ['2022-04-19'],
      flags: ['yes', 'No', 'on', 'OFF', 'y', 'n'],
      numbers: ['0777', '1_000', '12:30', '0x1F', '.inf', '1.0'],
      time: '2019-02-18T15:32:10.473Z',
      n: 'key',
    };
    expect(loadYaml11(publishedYaml(doc))).toEqual(doc);
  });
});
