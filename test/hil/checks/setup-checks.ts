import { expect, type HilCheck } from '../hil-check.ts';
import { secondsSince } from '../hil-context.ts';
import { SITE_CONFIG } from '../hil-recorders.ts';
import { gaDeviceConf } from './gadget-checks.ts';

/** The kernel modules the package loads before its units start (systemd/recorder-dock.modules-load). */
const DEVICE_MODULES = [
  'sd_mod',
  'usb_storage',
  'cdc_acm',
  'usbserial',
  'ftdi_sio',
  'ch341',
  'cp210x',
  'pl2303',
];

/** The guest runs systemd as PID 1 and reached multi-user.target. */
export const bootCheck: HilCheck = {
  name: 'boot: a Debian 12 guest reaches multi-user.target with systemd as PID 1',
  slug: 'boot',
  timeoutMs: 120_000,
  essential: true,
  async run(ctx, ev) {
    const out = await ctx.guest.sh(
      'readlink /proc/1/exe; systemctl is-system-running; . /etc/os-release; echo "$PRETTY_NAME"; systemctl --version | head -1; systemd-analyze time; systemctl --failed --no-legend',
    );
    await ev.write('boot.txt', out);
    const [pid1, state, os] = out.split('\n');
    expect(pid1 === '/usr/lib/systemd/systemd', `PID 1 is ${pid1}, not systemd`);
    expect(state === 'running', `the system is ${state}: ${out}`);
    expect(/Debian GNU\/Linux 12/.test(os ?? ''), `the guest is ${os}`);
    const userspace = /\+ ([\d.]+)(min )?([\d.]+)?s \(userspace\)/.exec(out);
    ctx.figures.bootKernelAndUserspace = out.split('\n').find((l) => l.startsWith('Startup finished')) ?? '';
    if (userspace) ctx.figures.bootUserspace = userspace[0];
  },
};

/** `apt install ./recorder-dock_….deb` as an office would: sysusers, tmpfiles, udev rules, units enabled and started. */
export const installCheck: HilCheck = {
  name: 'install: apt install ./recorder-dock_*.deb creates the user and folders, enables and starts the units',
  slug: 'install',
  timeoutMs: 600_000,
  essential: true,
  async run(ctx, ev) {
    const cursor = await ctx.guest.cursor();
    const t0 = Date.now();
    const apt = await ctx.guest.run(
      `cp /mnt/hil-in/${ctx.debName} /root/ && cd /root && DEBIAN_FRONTEND=noninteractive apt install -y ./${ctx.debName} 2>&1`,
      540_000,
    );
    ctx.figures.installSeconds = secondsSince(t0);
    await ev.write('apt-install.txt', apt.stdout + apt.stderr);
    expect(apt.code === 0, `apt install exited ${apt.code}: ${apt.stdout.slice(-600)}`);
    const state = await ctx.guest.sh(
      [
        'for u in recorder-dock.service recorder-dock-mountd.socket; do echo "$u $(systemctl is-enabled $u) $(systemctl is-active $u)"; done',
        'id recorder-dock',
        'stat -c "%U:%G %a %n" /var/lib/recorder-dock /run/recorder-dock /etc/recorder-dock/config.yaml',
        'ls /usr/lib/udev/rules.d/70-recorder-dock.rules /usr/lib/modules-load.d/recorder-dock.conf',
      ].join('\n'),
    );
    await ev.write('state.txt', state);
    expect(
      /recorder-dock\.service enabled active/.test(state),
      `the service is not enabled and active:\n${state}`,
    );
    expect(
      /recorder-dock-mountd\.socket enabled active/.test(state),
      `the helper's socket is not active:\n${state}`,
    );
    expect(
      /recorder-dock:recorder-dock 750 \/var\/lib\/recorder-dock/.test(state),
      `state folder:\n${state}`,
    );
    ctx.notes.installCursor = cursor;
    ctx.notes.aptOutput = apt.stdout + apt.stderr;
    // Doctor before the first recorder: it also wakes the mount helper, which must then still
    // be allowed the disks that arrive later.
    const doctor = await ctx.guest.run('dockctl doctor', 120_000);
    await ev.write('doctor-after-install.txt', doctor.stdout + doctor.stderr);
  },
};

/**
 * postinst reloads systemd exactly once (issue 14: it reloaded twice). Counted in the journal
 * after the install's cursor, from PID 1's own lines however journald received them (its
 * socket, or the kernel log while the socket is reopened), after `journalctl --sync` so that
 * nothing queued in journald is missed; a journal that cannot be read fails the check as such.
 */
export const reloadOnceCheck: HilCheck = {
  name: 'install: systemd was reloaded exactly once by the package',
  slug: 'install-reload-once',
  timeoutMs: 60_000,
  async run(ctx, ev) {
    const cursor = ctx.notes.installCursor;
    const read = await ctx.guest.run(
      `journalctl --sync && journalctl -q -o short-precise --after-cursor='${cursor}' > /tmp/since-install.txt; rc=$?; grep -E 'systemd\\[1\\]: Reloading' /tmp/since-install.txt; echo "journalctl-exit=$rc lines=$(wc -l < /tmp/since-install.txt)"`,
    );
    await ev.write('reloads.txt', read.stdout + read.stderr);
    const status = /journalctl-exit=(\d+) lines=(\d+)/.exec(read.stdout);
    expect(
      status?.[1] === '0',
      `the journal after the install could not be read (${status?.[0] ?? 'no status'}): ${read.stderr.slice(-400)}`,
    );
    const count = read.stdout
      .split('\n')
      .filter((l) => /systemd\[1\]: Reloading(\.|…|\.\.\.| requested)/.test(l)).length;
    const aptSaid = (ctx.notes.aptOutput ?? '')
      .split('\n')
      .filter((l) => /systemctl|[Ff]ailed|recorder-dock:/.test(l))
      .join(' | ');
    expect(
      count === 1,
      `systemd was reloaded ${count} times during the install, not once (${status?.[2]} journal lines since the install's cursor; apt said: ${aptSaid || 'nothing about systemctl'})`,
    );
  },
};

/**
 * The device allow-list is not empty (issue 14): the modules behind DeviceAllow= were loaded
 * before the units started at install, so systemd resolved every pattern.
 */
export const deviceAllowCheck: HilCheck = {
  name: 'install: the device modules were loaded before the units started, so no DeviceAllow= pattern resolved to nothing',
  slug: 'device-allow-list',
  timeoutMs: 60_000,
  async run(ctx, ev) {
    const journal = await ctx.guest.sh(
      `journalctl -q -o short-precise --after-cursor='${ctx.notes.installCursor}'`,
    );
    await ev.write('journal-since-install.txt', journal);
    const empty = journal.split('\n').filter((l) => /did not match anything/.test(l));
    expect(empty.length === 0, `a DeviceAllow= pattern resolved to nothing:\n${empty.join('\n')}`);
    const lsmod = await ctx.guest.sh('lsmod');
    await ev.write('lsmod.txt', lsmod);
    const loaded = new Set(lsmod.split('\n').map((l) => l.split(/\s+/)[0]));
    const missing = DEVICE_MODULES.filter((m) => !loaded.has(m));
    expect(missing.length === 0, `not loaded after the install: ${missing.join(', ')}`);
  },
};

/** systemd-analyze security of the units as installed (the exposure levels are kept). */
export const securityCheck: HilCheck = {
  name: 'units: systemd-analyze security of the installed units',
  slug: 'units-security',
  timeoutMs: 180_000,
  async run(ctx, ev) {
    const scores: Record<string, number> = {};
    for (const unit of ['recorder-dock.service', 'recorder-dock-mountd.service']) {
      const out = await ctx.guest.sh(`systemd-analyze security --no-pager ${unit}`);
      await ev.write(`${unit}.txt`, out);
      const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(out);
      expect(m, `no exposure level for ${unit}`);
      scores[unit] = Number(m[1]);
    }
    ctx.figures.exposure = JSON.stringify(scores);
    const allow = await ctx.guest.sh(
      'systemctl show -p DeviceAllow -p DevicePolicy recorder-dock recorder-dock-mountd',
    );
    await ev.write('device-allow.txt', allow);
    expect(
      (scores['recorder-dock.service'] ?? 99) <= 2.0,
      `the agent's exposure is ${scores['recorder-dock.service']}`,
    );
    expect(
      (scores['recorder-dock-mountd.service'] ?? 99) <= 6.0,
      `the mount helper's exposure is ${scores['recorder-dock-mountd.service']}`,
    );
  },
};

/**
 * The installer's configuration: QEMU's fixed ids as site models (admitGeneric with a serial
 * pattern), the vendor GA library at its configured path, the site udev rules, a restart.
 */
export const siteConfigCheck: HilCheck = {
  name: "site configuration: QEMU's ids admitted as a new model, site udev rules, vendor library, restart to READY",
  slug: 'site-config',
  timeoutMs: 300_000,
  essential: true,
  async run(ctx, ev) {
    await ctx.guest.sh(
      [
        'set -e',
        'install -D -m 0644 /mnt/hil-in/libZFYSDK.so /opt/hil-vendor/lib/libZFYSDK.so',
        'mkdir -p /etc/recorder-dock-hil',
        `cat > /etc/recorder-dock-hil/ga-device.conf <<'EOF'\n${gaDeviceConf()}EOF`,
        `cat >> /etc/recorder-dock/config.yaml <<'EOF'\n${SITE_CONFIG}\nEOF`,
        'dockctl config check /etc/recorder-dock/config.yaml',
        'dockctl udev-rules --site > /etc/udev/rules.d/71-recorder-dock-site.rules',
        'udevadm control --reload',
      ].join('\n'),
      180_000,
    );
    const t0 = Date.now();
    await ctx.guest.sh('systemctl restart recorder-dock', 180_000);
    ctx.figures.restartToReadySeconds = secondsSince(t0);
    const files = await ctx.guest.sh(
      'cat /etc/recorder-dock/config.yaml; echo ----; cat /etc/udev/rules.d/71-recorder-dock-site.rules',
    );
    await ev.write('config-and-rules.txt', files);
    expect(
      /ATTRS\{serial\}=="HILSER\*"/.test(files),
      'no site rule for the serial recorder on the FTDI bridge',
    );
  },
};
