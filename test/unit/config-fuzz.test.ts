import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configCommand } from '../../agent/cli/config-command.ts';
import { ConfigError, formatProblem } from '../../agent/config/config-error.ts';
import { parseConfigText } from '../../agent/config/config-loader.ts';
import { seededRandom as random } from '../helpers/ingest-fixture.ts';

const EXAMPLE = readFileSync(new URL('../../config/example.yaml', import.meta.url), 'utf8');

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** Pieces YAML gives meaning to, and values of the wrong kinds. */
const TOKENS = [
  '*a',
  '&a',
  '*nope',
  '&x [1, 2]',
  '<<: *a',
  '!!binary aGk=',
  '!!set {a, b}',
  '!!str',
  '!!int x',
  '!!omap',
  '? ',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '|',
  '>',
  '#',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '\t',
  '\n',
  '  ',
  'null',
  '~',
  'true',
  '0x1F',
  '1e999',
  '-1',
  '.nan',
  '2025-13-45',
  '""',
  '中文',
  '\u0000',
  '\uFEFF',
  '\u2028',
  'a: b: c',
  '@',
  '`',
  '%',
  '!',
  '!local',
  '!<tag:x>',
  '=',
  '\\',
  '&a {x: *a}',
  '9999999999999999999999',
  'version: 1',
  'version: 3',
  'version: "2"',
  'paths: ',
  'web: {listen: *a}',
];

function mutate(text: string, r: () => number): string {
  let t = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const lines = t.split('\n');
    const at = Math.floor(r() * (t.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0:
        t = t.slice(0, at) + pick(r, TOKENS) + t.slice(at);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 20));
        break;
      case 2: {
        const l = Math.floor(r() * lines.length);
        lines.splice(l, 0, lines[Math.floor(r() * lines.length)] ?? '');
        t = lines.join('\n');
        break;
      }
      case 3: {
        const l = Math.floor(r() * lines.length);
        lines[l] = (lines[l] ?? '').replace(/:\s.*$/, `: ${pick(r, TOKENS)}`);
        t = lines.join('\n');
        break;
      }
      case 4: {
        const l = Math.floor(r() * lines.length);
        lines[l] = `${pick(r, ['', '  ', '    ', '\t', '- '])}${(lines[l] ?? '').trimStart()}`;
        t = lines.join('\n');
        break;
      }
      default:
        t = t.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + t.slice(at);
    }
  }
  return t;
}

/** Random YAML from scratch: nested maps, lists, scalars, anchors and aliases. */
function randomYaml(r: () => number, depth = 0): string {
  const indent = '  '.repeat(depth);
  const keys = [
    'version',
    'paths',
    'stateDir',
    'web',
    'listen',
    'host',
    'port',
    'rules',
    'log',
    'level',
    'x',
  ];
  const lines: string[] = [];
  for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
    const key = pick(r, keys);
    if (depth < 3 && r() < 0.35) lines.push(`${indent}${key}:\n${randomYaml(r, depth + 1)}`);
    else if (r() < 0.2)
      lines.push(`${indent}${key}:\n${indent}  - ${pick(r, TOKENS)}\n${indent}  - ${pick(r, TOKENS)}`);
    else lines.push(`${indent}${key}: ${pick(r, TOKENS)}`);
  }
  return lines.join('\n');
}

/** Load the text: a result, or a ConfigError with one-line problems. Anything else fails. */
function check(text: string, what: string): 'valid' | 'refused' {
  try {
    parseConfigText(text, 'fuzz.yaml');
    return 'valid';
  } catch (err) {
    assert.ok(
      err instanceof ConfigError,
      `${what}: not a ConfigError: ${(err as Error)?.stack ?? String(err)}`,
    );
    assert.ok(err.problems.length > 0, `${what}: a ConfigError without problems`);
    for (const p of err.problems) {
      const line = formatProblem(p);
      assert.ok(
        !/[\n\r\u2028\u2029]/.test(line),
        `${what}: a problem on several lines: ${JSON.stringify(line)}`,
      );
      assert.ok(!/\bat .*\.ts:\d+/.test(line), `${what}: a stack in ${line}`);
    }
    return 'refused';
  }
}

describe('configuration loader under fuzzing', () => {
  it('an alias without an anchor is a listed problem with its line, not an unexpected error', () => {
    try {
      parseConfigText('version: 2\nlog:\n  level: *nope\nweb:\n  listen: *gone\n', 'alias.yaml');
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.deepEqual(
        err.problems.map((p) => [p.line, /nope|gone/.exec(p.message)?.[0]]),
        [
          [3, 'nope'],
          [5, 'gone'],
        ],
      );
    }
  });

  it('an alias bomb is refused as too many aliases', () => {
    const bomb = ['version: 2', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    assert.equal(check(bomb.join('\n'), 'bomb'), 'refused');
  });

  it('2000 mutations of config/example.yaml are each valid or refused with one-line problems', () => {
    const outcomes = { valid: 0, refused: 0 };
    for (let seed = 1; seed <= 2000; seed++) outcomes[check(mutate(EXAMPLE, random(seed)), `seed ${seed}`)]++;
    assert.ok(outcomes.refused > 500 && outcomes.valid > 50, JSON.stringify(outcomes));
  });

  it('2000 random YAML documents are each valid or refused with one-line problems', () => {
    for (let seed = 1; seed <= 2000; seed++) check(randomYaml(random(seed)), `random seed ${seed}`);
  });

  it('dockctl config check exits 0 or 78 on fuzzed files, never 70 or a stack trace', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/config-fuzz-');
    try {
      for (let seed = 1; seed <= 200; seed++) {
        const file = `${dir}/c${seed}.yaml`;
        writeFileSync(file, seed % 2 ? mutate(EXAMPLE, random(seed)) : randomYaml(random(seed)));
        let stderr = '';
        const sink = (keep: boolean) =>
          ({
            write: (s: string) => {
              if (keep) stderr += s;
              return true;
            },
          }) as unknown as NodeJS.WritableStream;
        const code = await configCommand.run({
          argv: ['check', seed % 3 ? file : '--config', ...(seed % 3 ? [] : [file])],
          stdout: sink(false),
          stderr: sink(true),
          env: {},
        });
        assert.ok(code === 0 || code === 78, `seed ${seed}: exit ${code}: ${stderr}`);
        assert.doesNotMatch(stderr, /unexpected error|\n\s+at /, `seed ${seed}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
