import type { Evidence, HilContext } from './hil-context.ts';

/** One named check of the suite, run in order against the one guest. */
export interface HilCheck {
  /** The test's name, as the report shows it. */
  readonly name: string;
  /** Folder name of its evidence under test-output/hil/. */
  readonly slug: string;
  readonly timeoutMs: number;
  /** The others cannot run when this one fails (boot, install, configuration). */
  readonly essential?: boolean;
  run(ctx: HilContext, ev: Evidence): Promise<void>;
}

/** Fail with `message` unless `ok`. */
export function expect(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}
