import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { shippedDockEnvironment, unitEnvironment } from '../../bench/unit-environment.ts';

describe('the benches start the dock with the environment of its unit', () => {
  it('reads Environment= lines as systemd does: several per line, quoted, later ones win', () => {
    const env = unitEnvironment(
      [
        '[Service]',
        'Environment=A=1 B=two',
        'Environment="C=with space" A=3',
        '#Environment=D=4',
        'ExecStart=/x',
      ].join('\n'),
    );
    assert.deepEqual(env, { A: '3', B: 'two', C: 'with space' });
  });

  it('the shipped unit gives dockd its thread pool and its V8 young generation', () => {
    const env = shippedDockEnvironment(path.join(import.meta.dirname, '..', '..'));
    assert.equal(env.UV_THREADPOOL_SIZE, '64');
    assert.match(env.NODE_OPTIONS ?? '', /--max-semi-space-size=\d+/);
  });
});
