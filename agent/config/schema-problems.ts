import type { ErrorObject } from 'ajv';
import { type DomainKey, isDomainKey } from '../i18n/domain.ts';
import type { ConfigProblem, ProblemWords } from './config-error.ts';
import { type ConfigSchemas, type SchemaNode, schemaAt } from './config-schema.ts';
import { formatKeyPath, type KeySegments, pointerSegments } from './key-path.ts';

/** Where problems are placed: the original key path and line of a migrated path. */
export interface ProblemLocator {
  /** The key path as the user wrote it (before migration). */
  original(path: KeySegments): KeySegments;
  /** Line of the value (or key) at an original path. */
  lineOf(path: KeySegments, options?: { readonly key?: boolean }): number | null;
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function examplesHint(schema: SchemaNode | undefined): string | null {
  const examples = schema?.examples;
  if (!examples || examples.length === 0) return null;
  return `write it like ${examples.map((e) => `'${show(e)}'`).join(' or ')}`;
}

/** The closest allowed key to a misspelt one (edit distance ≤ 2), for "did you mean". */
export function closestKey(name: string, allowed: readonly string[]): string | null {
  let best: { key: string; d: number } | null = null;
  for (const key of allowed) {
    const d = editDistance(name.toLowerCase(), key.toLowerCase());
    if (d <= 2 && (best === null || d < best.d)) best = { key, d };
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
  null: 'null',
};

const RANGE: Record<string, [string, string]> = {
  minimum: ['is below the minimum {n}', 'use {n} or more'],
  exclusiveMinimum: ['must be above {n}', 'use more than {n}'],
  maximum: ['is above the maximum {n}', 'use {n} or less'],
  exclusiveMaximum: ['must be below {n}', 'use less than {n}'],
  minLength: ['is shorter than {n} characters', 'write at least {n} characters'],
  maxLength: ['is longer than {n} characters', 'write at most {n} characters'],
  minItems: ['has fewer than {n} items', 'list at least {n}'],
  maxItems: ['has more than {n} items', 'list at most {n}'],
};

type Described = { message: string; hint: string; atKey?: string; words?: ProblemWords };

function describeRange(keyword: string, limit: number): Described {
  const [message, hint] = RANGE[keyword] ?? ['is out of range', 'see config/example.yaml'];
  const key = `cfg.range.${keyword}`;
  return {
    message: message.replace('{n}', String(limit)),
    hint: hint.replace('{n}', String(limit)),
    ...(isDomainKey(key) ? { words: { message: key, hint: 'cfgHint.range', params: { n: limit } } } : {}),
  };
}

/** The words of a hint that is the schema's examples, else `fallback`. */
function exampleWords(
  schema: SchemaNode | undefined,
): { hint: DomainKey; params: { examples: string } } | null {
  const examples = schema?.examples;
  if (!examples || examples.length === 0) return null;
  return { hint: 'cfgHint.examples', params: { examples: examples.map((e) => `'${show(e)}'`).join(' / ') } };
}

/** A failed oneOf: "exactly one of these keys", or the allowed forms / discriminator values. */
function describeOneOf(e: ErrorObject, examples: string | null): Described {
  const branches = Array.isArray(e.schema) ? (e.schema as SchemaNode[]) : [];
  const onlyRequired = branches.every((b) => Object.keys(b).length === 1 && b.required?.length === 1);
  if (branches.length > 0 && onlyRequired) {
    const keys = branches.map((b) => b.required?.[0]).join(', ');
    return {
      message: `needs exactly one of ${keys}`,
      hint: `set one of ${keys}, not both`,
      words: { message: 'cfg.oneOfKeys', hint: 'cfgHint.oneOfKeys', params: { keys } },
    };
  }
  const { key, allowed } = e.params as { key?: string; allowed?: unknown[] };
  if (key && allowed) {
    const values = allowed.map(show).join(', ');
    return {
      message: `has a ${key} no form uses`,
      hint: `set ${key} to one of ${values}`,
      words: { message: 'cfg.oneOfValue', hint: 'cfgHint.oneOfValue', params: { key, values } },
    };
  }
  return {
    message: 'does not match any of the allowed forms',
    hint: examples ?? 'see config/example.yaml for the forms allowed',
    words: { message: 'cfg.oneOf', hint: 'cfgHint.pattern' },
  };
}

/** Message and hint for one ajv error, by keyword. `own` is the schema node of the value's key. */
function describe(e: ErrorObject, own: SchemaNode | undefined): Described {
  const parent = e.parentSchema as SchemaNode | undefined;
  const examples = examplesHint(own?.examples ? own : parent);
  const exampleHint = exampleWords(own?.examples ? own : parent);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const prop = String(p.missingProperty);
      const example = examplesHint(parent?.properties?.[prop]);
      return {
        message: `needs the key ${prop}`,
        hint: `add ${prop}${example ? `; ${example}` : ''}`,
        words: { message: 'cfg.required', hint: 'cfgHint.required', params: { key: prop } },
      };
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const near = closestKey(key, Object.keys(parent?.properties ?? {}));
      return {
        message: `has the unknown key ${key}`,
        hint: near ? `did you mean ${near}?` : 'remove it, or check its spelling against config/example.yaml',
        atKey: key,
        words: {
          message: 'cfg.unknownKey',
          hint: near ? 'cfgHint.didYouMean' : 'cfgHint.unknownKey',
          params: { key, near: near ?? '' },
        },
      };
    }
    case 'const':
      if (e.instancePath === '/version')
        return {
          message: `must be ${show(p.allowedValue)}`,
          hint: 'set version: 2 (files of version 1 are migrated automatically)',
          words: { message: 'cfg.const', hint: 'cfgHint.version', params: { value: show(p.allowedValue) } },
        };
      return {
        message: `must be ${show(p.allowedValue)}`,
        hint: `write ${show(p.allowedValue)}`,
        words: { message: 'cfg.const', hint: 'cfgHint.const', params: { value: show(p.allowedValue) } },
      };
    case 'enum': {
      const values = ((p.allowedValues as unknown[]) ?? []).map(show).join(', ');
      return {
        message: `must be one of ${values}`,
        hint: 'write one of them exactly as shown',
        words: { message: 'cfg.enum', hint: 'cfgHint.enum', params: { values } },
      };
    }
    case 'type': {
      const types = String(p.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      const quoted = p.type === 'string' ? "put it in quotes, like password: '0000'" : null;
      const hint: DomainKey = exampleHint?.hint ?? (quoted ? 'cfgHint.quote' : 'cfgHint.type');
      return {
        message: `must be ${types}`,
        hint: examples ?? quoted ?? `write ${types}`,
        words: { message: 'cfg.type', hint, params: { types: String(p.type), ...exampleHint?.params } },
      };
    }
    case 'pattern':
      return {
        // A definition's own description is a noun phrase in lower case ("an absolute path …").
        message: /^[a-z]/.test(parent?.description ?? '')
          ? `must be ${parent?.description}`
          : 'is not in the expected form',
        hint: examples ?? `match the pattern ${String(p.pattern)}`,
        words: {
          message: 'cfg.pattern',
          hint: exampleHint?.hint ?? 'cfgHint.pattern',
          params: exampleHint?.params,
        },
      };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return describeRange(e.keyword, Number(p.limit));
    case 'oneOf':
      return describeOneOf(e, examples);
    case 'propertyNames':
      return {
        message: `has a key that is not allowed (${String(p.propertyName)})`,
        hint: 'use letters and digits only',
        atKey: String(p.propertyName),
        words: { message: 'cfg.keyName', hint: 'cfgHint.keyName', params: { key: String(p.propertyName) } },
      };
    default:
      return {
        message: e.message ?? 'is invalid',
        hint: 'see config/example.yaml for the expected form',
        words: { message: 'cfg.invalid', hint: 'cfgHint.pattern' },
      };
  }
}

/**
 * Drop the branch errors of each failed `oneOf`. Where branches are told apart by a `const`
 * property (a forwarder target's `type`), the branches whose `const` failed are dropped and the
 * errors of the branch the value meant are kept instead of the generic "matches no form", since
 * they say what is really wrong. Branches may be `$ref`s, whose errors carry the schema path of
 * the referenced definition, so a branch is known by the root its `const` error names.
 */
function branchRoots(o: ErrorObject): string[] {
  const branches = Array.isArray(o.schema) ? (o.schema as SchemaNode[]) : [];
  return branches.map((b, i) => (b.$ref?.startsWith('#') ? `${b.$ref}/` : `${o.schemaPath}/${i}/`));
}

function collapseOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const o of errors.filter((e) => e.keyword === 'oneOf')) {
    if (!kept.includes(o)) continue;
    const at = o.instancePath;
    const under = (e: ErrorObject) =>
      e !== o && (e.instancePath === at || e.instancePath.startsWith(`${at}/`));
    const roots = branchRoots(o);
    const inBranch = (e: ErrorObject) => under(e) && roots.some((r) => e.schemaPath.startsWith(r));
    const consts = kept.filter((e) => e.keyword === 'const' && inBranch(e));
    const rejected = consts.map((e) => roots.find((r) => e.schemaPath.startsWith(r)) as string);
    if (rejected.length === 0 || rejected.length === roots.length) {
      kept = kept.filter((e) => !inBranch(e));
      if (rejected.length > 0) {
        // No branch's discriminator matched: say which values it may take.
        const key = consts[0]?.instancePath.slice(at.length + 1) ?? '';
        const allowed = consts.map((e) => (e.params as { allowedValue: unknown }).allowedValue);
        kept = kept.map((e) => (e === o ? { ...o, params: { ...o.params, key, allowed } } : e));
      }
      continue;
    }
    kept = kept.filter((e) => !(inBranch(e) && rejected.some((r) => e.schemaPath.startsWith(r))));
    if (kept.some(inBranch)) kept = kept.filter((e) => e !== o);
  }
  return kept;
}

/** Turn ajv's errors into problems at the user's own key paths and lines, one per distinct fault. */
export function schemaProblems(
  errors: readonly ErrorObject[],
  locator: ProblemLocator,
  schemas: ConfigSchemas,
): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const e of collapseOneOf(errors)) {
    const at = pointerSegments(e.instancePath);
    const d = describe(e, schemaAt(schemas, at));
    const path = locator.original(d.atKey === undefined ? at : [...at, d.atKey]);
    const problem: ConfigProblem = {
      path: formatKeyPath(path),
      line: locator.lineOf(path, { key: true }) ?? locator.lineOf(path.slice(0, -1), { key: true }),
      message: d.message,
      hint: d.hint,
      ...(d.words ? { words: d.words } : {}),
    };
    const id = `${problem.path}|${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(problem);
    }
  }
  return out;
}
