import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { AccountService } from '../access/accounts.ts';
import { loadConfig } from '../config/config-loader.ts';
import type { DockResult } from '../dock/dock-session.ts';
import { startDockd } from '../main.ts';
import { DemoScreen } from './demo-screen.ts';

/** How the demo runs. */
export interface DockDemoOptions {
  readonly demoDir: string;
  readonly out: NodeJS.WriteStream;
  readonly logger: Logger;
  /** Size of each simulated clip (a real MP4 grown with a `free` box). */
  readonly clipBytes: number;
  /** Keep dockd running after the story until Ctrl-C (so dockctl can be tried beside it). */
  readonly keepRunning: boolean;
  /** Resolves when the user asks to stop. */
  readonly stopRequested: Promise<void>;
  /** Resolves when the newcomer is ready to watch (Enter in a terminal); default: at once. */
  readonly readyToWatch?: Promise<void>;
}

/** The demo's logins, printed on its screen. Only ever used for the throw-away demo state. */
export const DEMO_PASSWORD = 'demo-dock-2026';
const DEMO_ACCOUNTS = [
  { username: 'manager', role: 'manager', officerNo: null },
  { username: 'supervisor', role: 'supervisor', officerNo: null },
  { username: 'auditor', role: 'auditor', officerNo: null },
  { username: 'admin', role: 'admin', officerNo: null },
  { username: 'zhangsan', role: 'officer', officerNo: '000123' },
] as const;

/** The configured port when it is free, otherwise any free port (a second demo, a busy box). */
async function freePort(host: string, wanted: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, host, () => {
        const got = (probe.address() as { port: number }).port;
        probe.close(() => resolve(got));
      });
    });
  return (await tryPort(wanted)) ?? (await tryPort(0)) ?? wanted;
}

const H = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function segments(first: number, count: number, bytes: number, gapAfter = -1, gapMs = 0) {
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(first + i * 60_000 + (gapAfter >= 0 && i > gapAfter ? gapMs : 0)),
    seconds: 60,
    width: 320,
    height: 240,
    padToBytes: bytes,
  }));
}

/**
 * `make demo`: dockd on its embedded defaults with three simulated recorders docking over about a
 * minute — one holding a clip older than 24 h (R1), one with a recording gap (R9), one pulled out
 * mid-copy and docked again — then taken for the next shift (check-out).
 */
export async function runDockDemo(opts: DockDemoOptions): Promise<void> {
  const stateDir = path.join(opts.demoDir, 'state');
  await rm(stateDir, { recursive: true, force: true });
  await rm(path.join(opts.demoDir, 'recorders'), { recursive: true, force: true });
  const { config } = await loadConfig(null, {
    pathDefaults: { stateDir, runDir: path.join(stateDir, 'run') },
  });
  const bus = new SimBus();
  const results: DockResult[] = [];
  const { listen } = config.web;
  const web = { ...config.web, listen: { ...listen, port: await freePort(listen.host, listen.port) } };
  const dockd = await startDockd({ ...config, web }, { kind: 'sim', bus }, opts.logger, {
    onResult: (r) => results.push(r),
  });
  const screen = new DemoScreen(opts.out, dockd.manager, dockd.ledger);
  const sims: SimRecorder[] = [];
  try {
    say(opts, `dockd is running on embedded defaults; state in ${stateDir}`);
    say(opts, 'preparing three simulated recorders (real MP4 files made with ffmpeg) …');
    const now = Date.now();
    const make = async (
      kind: 'ga-sdk' | 'serial' | 'mass-storage',
      clips: ReturnType<typeof segments>,
      identity: object,
    ) => {
      const sim = await SimRecorder.create({
        kind,
        bus,
        clips,
        identity,
        battery: 70,
        dir: path.join(opts.demoDir, 'recorders', String(sims.length + 1)),
      });
      sims.push(sim);
      return sim;
    };
    const ga = await make(
      'ga-sdk',
      [...segments(now - 30 * H, 1, opts.clipBytes), ...segments(now - 3 * H, 2, opts.clipBytes)],
      { userNo: '000123', userName: '张三' },
    );
    const serial = await make('serial', segments(now - 5 * H, 4, opts.clipBytes, 1, 20 * 60_000), {
      userNo: '000124',
      userName: '李四',
    });
    const disk = await make('mass-storage', segments(now - 2 * H, 3, opts.clipBytes), {});
    registerAtTheOffice(dockd.ledger, sims);
    await demoAccounts(dockd.ledger);
    say(opts, `\nThe equipment manager's page: ${dockd.web.url}`);
    say(
      opts,
      `  log in as 'manager' with the password '${DEMO_PASSWORD}' (demo only; also: supervisor, auditor, admin, zhangsan)`,
    );
    if (opts.readyToWatch) {
      say(opts, 'Open the page, then press Enter to dock the recorders (they dock by themselves in 30 s).');
      await opts.readyToWatch;
    }
    screen.start();
    const second = disk.clips[1];
    if (second) disk.injectVanish(second.relPath, Math.floor(opts.clipBytes * 0.4));
    await story(opts, screen, { ga, serial, disk }, results);
    screen.stop();
    summary(opts, dockd.ledger, results, stateDir);
    if (opts.keepRunning) {
      say(
        opts,
        `\ndockd keeps running so you can try the page (${dockd.web.url}) and dockctl beside it; press Ctrl-C to stop.`,
      );
      await opts.stopRequested;
    }
  } finally {
    screen.stop();
    await dockd.stop();
    for (const sim of sims) await sim.close();
    say(opts, 'dockd stopped cleanly.');
  }
}

/** The page's demo logins, one per role. */
async function demoAccounts(ledger: import('../ledger/ledger.ts').Ledger): Promise<void> {
  const accounts = new AccountService({ ledger });
  for (const a of DEMO_ACCOUNTS) {
    await accounts.add({ ...a, password: DEMO_PASSWORD, by: null });
  }
}

/** The equipment manager registered the recorders and officers, and handed out the plain disk one. */
function registerAtTheOffice(ledger: import('../ledger/ledger.ts').Ledger, sims: SimRecorder[]): void {
  for (const sim of sims)
    ledger.registerRecorder({
      serial: sim.identity.serial,
      model: `sim ${sim.kind}`,
      vendor: 'Example vendor',
    });
  ledger.registerOfficer({ officerNo: '000123', name: '张三', unit: '城关镇综合行政执法队' });
  ledger.registerOfficer({ officerNo: '000124', name: '李四', unit: '城关镇综合行政执法队' });
  ledger.registerOfficer({ officerNo: '000125', name: '王五', unit: '城关镇综合行政执法队' });
  for (const [sim, officerNo] of sims.map((s, i) => [s, `00012${3 + i}`] as const)) {
    ledger.checkOut({ serial: sim.identity.serial, officerNo, batteryPct: 100, freeBytes: 20 * 1024 ** 3 });
  }
}

async function story(
  opts: DockDemoOptions,
  screen: DemoScreen,
  r: { ga: SimRecorder; serial: SimRecorder; disk: SimRecorder },
  results: DockResult[],
): Promise<void> {
  const done = (sim: SimRecorder, n = 1) =>
    results.filter((x) => x.serial === sim.identity.serial).length >= n;
  const until = async (cond: () => boolean) => {
    while (!cond()) await sleep(100);
  };
  screen.say(
    `\n== ${r.ga.identity.serial} (GA SDK recorder of 张三) is docked; one of its clips is 30 h old`,
  );
  await r.ga.plug();
  await sleep(2000);
  screen.say(
    `== ${r.serial.identity.serial} (serial-port recorder of 李四) is docked; it stopped recording for 20 min during the shift`,
  );
  await r.serial.plug();
  await sleep(2000);
  screen.say(
    `== ${r.disk.identity.serial} (plain USB-disk recorder of 王五) is docked … and pulled out while its second clip copies`,
  );
  await r.disk.plug();
  await until(() => done(r.disk));
  await sleep(3000);
  screen.say(
    `== ${r.disk.identity.serial} is docked again: the copy resumes where the seal can prove it stopped`,
  );
  await r.disk.plug();
  await until(() => done(r.ga) && done(r.serial) && done(r.disk, 2));
  await sleep(1500);
  screen.say('== the officers take their recorders for the next shift (check-out)');
  for (const sim of [r.ga, r.serial, r.disk]) await sim.unplug();
  await sleep(1000);
  void opts;
}

function summary(
  opts: DockDemoOptions,
  ledger: import('../ledger/ledger.ts').Ledger,
  results: DockResult[],
  stateDir: string,
): void {
  say(opts, '\n== what the ledger holds now');
  for (const res of results) {
    const clips = res.sessionId ? ledger.queries.sessionClips(res.sessionId) : [];
    say(
      opts,
      `  ${res.serial}  session ${res.outcome}: ${plural(clips.length, 'clip')} sealed, ${res.skipped} already sealed before`,
    );
  }
  for (const a of ledger.queries.openAlerts()) say(opts, `  alert ${a.kind}: ${a.detail ?? a.subject}`);
  say(
    opts,
    `central store (a local folder on the embedded defaults): ${path.join(stateDir, 'central-store')}`,
  );
  const ctl = `npx tsx agent/bin/dockctl.ts`;
  say(
    opts,
    `\nIn a second terminal:\n  ${ctl} status --state ${stateDir}\n  ${ctl} sessions --state ${stateDir}\n  ${ctl} alerts --state ${stateDir}\n  ${ctl} ledger --recorder A123456 --state ${stateDir}\n  ${ctl} verify --files --state ${stateDir}`,
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function say(opts: DockDemoOptions, line: string): void {
  opts.out.write(`${line}\n`);
}
