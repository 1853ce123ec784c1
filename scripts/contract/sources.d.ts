export type Source =
  | { kind: 'seed'; key: string; seed: string }
  | { kind: 'research'; key: string; note: string; section: string }
  | { kind: 'sdk'; key: string; package: string }
  | { kind: 'inference'; key: 'inference'; why: string };
export declare const RESEARCH_NOTES: readonly string[];
export declare const CONSTRAINT_KEYWORDS: readonly string[];
export declare const BUILT: string;
export declare function parseSource(label: unknown): Source | undefined;
export declare function sourceKey(label: unknown): string | undefined;
export interface ProvenanceItem {
  kind:
    | 'operation'
    | 'parameter'
    | 'example'
    | 'sample-request'
    | 'schema'
    | 'site-rule'
    | 'request-rule'
    | 'quota'
    | 'security-scheme'
    | 'header'
    | 'response';
  path: (string | number)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any node of a document
  node: any;
  sources: unknown;
  summary?: string;
  name?: string;
  status?: number;
  mediaType?: string;
  parameter?: string;
  action?: string;
  shared?: boolean;
}
export declare function isSample(item: ProvenanceItem): boolean;
export declare function provenanceItems(doc: unknown): ProvenanceItem[];
export declare function sourceLists(node: unknown): { path: (string | number)[]; sources: unknown }[];
export declare function sourceProblems(doc: unknown): { path: (string | number)[]; message: string }[];
