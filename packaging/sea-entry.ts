/**
 * The single executable's entry: one program, several names. /usr/bin/dockd and /usr/bin/dockctl
 * are links to /usr/lib/recorder-dock/recorder-dock, as is recorder-dock-mountd beside it; the
 * name it was started under picks the program (`recorder-dock NAME ARGS…` also works). Each
 * program is imported only when chosen, so one does not load the others' modules.
 */
import path from 'node:path';

// Before any file system call starts libuv's pool: each blocking read from a recorder holds one
// pool thread, and Node's default of 4 would let only four recorders copy at once. The unit sets
// it too; this covers dockd started by hand.
process.env.UV_THREADPOOL_SIZE ??= '64';

const PROGRAMS: Readonly<Record<string, () => Promise<unknown>>> = {
  dockd: () => import('../agent/bin/dockd.ts'),
  dockctl: () => import('../agent/bin/dockctl.ts'),
  'recorder-dock-mountd': () => import('../agent/bin/recorder-dock-mountd.ts'),
};

function pick(): (() => Promise<unknown>) | undefined {
  const invoked = PROGRAMS[path.basename(process.argv0)];
  if (invoked) return invoked;
  // `recorder-dock dockctl config check`: the program is the first argument; the programs read
  // their own arguments from process.argv.slice(2).
  const named = process.argv[2] === undefined ? undefined : PROGRAMS[process.argv[2]];
  if (named) process.argv.splice(2, 1);
  return named;
}

const program = pick();
if (program) {
  program().catch((err: unknown) => {
    process.stderr.write(`recorder-dock: could not start (${(err as Error).message})\n`);
    process.exitCode = 70;
  });
} else {
  process.stderr.write(`usage: recorder-dock {${Object.keys(PROGRAMS).join('|')}} [ARGS…]\n`);
  process.exitCode = 64;
}
