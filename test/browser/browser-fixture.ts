import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { AccountService } from '../../agent/access/accounts.ts';
import type { DockResult } from '../../agent/dock/dock-session.ts';
import type { AccountRole } from '../../agent/ledger/event-types.ts';
import { type Dockd, startDockd } from '../../agent/main.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder, type SimRecorderOptions } from '../../drivers/sim/sim-recorder.ts';
import { testConfig } from '../helpers/test-config.ts';

/** Where screenshots go (git-ignored); look at them after a run. */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-output/screenshots');

/** The password of every test account. */
export const TEST_PASSWORD = 'browser-test-2026';

/** One account per role; the officer is 000123, whose recorder docks in the tests. */
export const TEST_ACCOUNTS: readonly { username: string; role: AccountRole; officerNo: string | null }[] = [
  { username: 'manager', role: 'manager', officerNo: null },
  { username: 'supervisor', role: 'supervisor', officerNo: null },
  { username: 'auditor', role: 'auditor', officerNo: null },
  { username: 'admin', role: 'admin', officerNo: null },
  { username: 'zhangsan', role: 'officer', officerNo: '000123' },
];

/**
 * A whole dockd on the simulator with its page on an ephemeral loopback port, and a headless
 * Debian Chromium driven by playwright-core (the machine cannot download browsers).
 */
export class BrowserFixture {
  readonly results: DockResult[] = [];
  private readonly sims: SimRecorder[] = [];

  private constructor(
    readonly root: string,
    readonly dockd: Dockd,
    readonly bus: SimBus,
    readonly browser: Browser,
    readonly url: string,
    results: DockResult[],
  ) {
    this.results = results;
  }

  static async create(): Promise<BrowserFixture> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'dock-browser-'));
    const stateDir = path.join(root, 'state');
    const bus = new SimBus();
    const results: DockResult[] = [];
    const dockd = await startDockd(testConfig(stateDir), { kind: 'sim', bus }, silentLogger(), {
      onResult: (r) => results.push(r),
    });
    const accounts = new AccountService({ ledger: dockd.ledger });
    dockd.ledger.registerOfficer({ officerNo: '000123', name: '张三', unit: '城关镇综合行政执法队' });
    dockd.ledger.registerOfficer({ officerNo: '000124', name: '李四', unit: '城关镇综合行政执法队' });
    dockd.ledger.registerOfficer({ officerNo: '000125', name: '王五', unit: '城关镇综合行政执法队' });
    for (const a of TEST_ACCOUNTS) await accounts.add({ ...a, password: TEST_PASSWORD, by: null });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return new BrowserFixture(root, dockd, bus, browser, dockd.web.url, results);
  }

  /** A simulated recorder on the bus, registered as the manager would. */
  async recorder(options: Omit<SimRecorderOptions, 'bus' | 'dir'>): Promise<SimRecorder> {
    const sim = await SimRecorder.create({
      ...options,
      bus: this.bus,
      dir: path.join(this.root, `sim-${this.sims.length}`),
    });
    this.sims.push(sim);
    this.dockd.ledger.registerRecorder({
      serial: sim.identity.serial,
      model: `sim ${sim.kind}`,
      vendor: 'Example vendor',
    });
    return sim;
  }

  /** A fresh browser context (its own cookies) at 1366×768, the office PC's screen. */
  async context(lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<BrowserContext> {
    return this.browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: lang,
      acceptDownloads: true,
    });
  }

  /** Wait until the dock has finished a session of this recorder. */
  async docked(sim: SimRecorder, count = 1, timeoutMs = 120_000): Promise<void> {
    const start = Date.now();
    while (this.results.filter((r) => r.serial === sim.identity.serial).length < count) {
      if (Date.now() - start > timeoutMs) throw new Error(`recorder ${sim.identity.serial} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.dockd.manager.idle();
  }

  /** Save a full-page screenshot under test-output/screenshots/NAME.png. */
  async screenshot(page: Page, name: string): Promise<string> {
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.dockd.stop();
    for (const sim of this.sims) await sim.close();
    await rm(this.root, { recursive: true, force: true });
  }
}
