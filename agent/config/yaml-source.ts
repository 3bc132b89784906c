import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import type { ConfigProblem } from './config-error.ts';
import type { MigrationTarget } from './config-migrations.ts';
import type { KeySegments } from './key-path.ts';

/** A configuration file parsed from YAML, keeping positions so problems can name their line. */
export interface YamlSource {
  readonly doc: Document.Parsed;
  /** Problems of the YAML text itself (syntax, duplicate keys); empty when it parsed. */
  readonly syntaxProblems: readonly ConfigProblem[];
  /** The 1-based line of the value (or, with `key`, of the key) at a path; null when absent. */
  lineOf(path: KeySegments, options?: { readonly key?: boolean }): number | null;
}

/** Parse YAML text, collecting every syntax problem with its line. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const line = (offset: number | undefined) =>
    offset === undefined ? null : lineCounter.linePos(offset).line;
  const syntaxProblems = [
    ...doc.errors.map(
      (e): ConfigProblem => ({
        path: '',
        line: line(e.pos[0]),
        message: `is not valid YAML (${e.message.split('\n')[0]})`,
        hint: 'fix the text at that line; indent with spaces, and quote values that contain ": " or "#"',
        words: { message: 'cfg.yaml', hint: 'cfgHint.yaml', params: { detail: e.code } },
      }),
    ),
    ...unresolvedAliases(doc).map(
      (a): ConfigProblem => ({
        path: '',
        line: line(a.range?.[0]),
        message: `refers to *${a.source}, but no &${a.source} is set before it`,
        hint: `set &${a.source} on the value to repeat before this line, or write the value itself`,
        words: { message: 'cfg.alias', hint: 'cfgHint.alias', params: { name: a.source } },
      }),
    ),
  ];
  return {
    doc,
    syntaxProblems,
    lineOf(path, options = {}) {
      if (options.key && path.length > 0) {
        const parent = doc.getIn(path.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
          if (pair && isNode(pair.key)) return line(pair.key.range?.[0]);
        }
      }
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      return isNode(node) ? line((node as Node).range?.[0]) : null;
    },
  };
}

/** Aliases (`*name`) with no anchor (`&name`) before them: toJS would throw on each. */
function unresolvedAliases(doc: Document.Parsed): { source: string; range?: readonly number[] }[] {
  const found: { source: string; range?: readonly number[] }[] = [];
  // Only a document that parsed has nodes to walk; syntax errors are reported on their own.
  if (doc.errors.length > 0) return found;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined)
        found.push({ source: node.source, range: node.range ?? undefined });
    },
  });
  return found;
}

/** A parsed YAML document as a migration target: moved keys keep their comments. */
export function yamlTarget(doc: Document): MigrationTarget {
  return {
    has: (path) => doc.hasIn(path),
    move: (from, to) => {
      const parent = doc.getIn(from.slice(0, -1), true);
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && p.key.value === from[from.length - 1])
        : undefined;
      if (!pair || !isPair(pair)) throw new Error('nothing to move');
      const comment = isNode(pair.key) ? pair.key.commentBefore : undefined;
      doc.deleteIn(from);
      doc.setIn(to, pair.value);
      const moved = doc.getIn(to.slice(0, -1), true);
      const key = isMap(moved)
        ? moved.items.find((p) => isScalar(p.key) && p.key.value === to[to.length - 1])?.key
        : undefined;
      if (comment && isScalar(key)) key.commentBefore = comment;
    },
    setVersion: (version) => {
      doc.set('version', version);
    },
  };
}
