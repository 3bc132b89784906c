import { expect, type HilCheck } from '../hil-check.ts';

/** dockd's warnings and errors reach journald with their priority: `journalctl -p warning` shows them. */
export const journalPriorityCheck: HilCheck = {
  name: "journald priorities: dockd's warnings and errors show in journalctl -p warning",
  slug: 'journal-priority',
  timeoutMs: 120_000,
  async run(ctx, ev) {
    const all = await ctx.guest.sh(
      'journalctl -b -q -u recorder-dock -o json --output-fields=PRIORITY,MESSAGE',
    );
    const lines = all
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { PRIORITY?: string; MESSAGE?: string });
    const dock = lines.filter((l) => typeof l.MESSAGE === 'string' && l.MESSAGE.startsWith('{"level":'));
    const wrong = dock.filter((l) => {
      const level = Number(/^\{"level":(\d+)/.exec(l.MESSAGE ?? '')?.[1]);
      const want = level >= 60 ? 2 : level >= 50 ? 3 : level >= 40 ? 4 : level >= 30 ? 6 : 7;
      return Number(l.PRIORITY) !== want;
    });
    await ev.write('priorities.txt', dock.map((l) => `${l.PRIORITY} ${l.MESSAGE?.slice(0, 160)}`).join('\n'));
    expect(dock.length > 0, 'no dockd lines in the journal');
    expect(
      wrong.length === 0,
      `${wrong.length} of ${dock.length} lines have the wrong priority, e.g. ${wrong[0]?.PRIORITY} ${wrong[0]?.MESSAGE?.slice(0, 120)}`,
    );
    const warnings = await ctx.guest.sh('journalctl -b -q -u recorder-dock -p warning -o cat');
    await ev.write('journalctl-p-warning.txt', warnings);
    const shown = warnings.split('\n').filter((l) => /^\{"level":(4|5|6)\d,/.test(l));
    const expected = dock.filter((l) => /^\{"level":(4|5|6)\d,/.test(l.MESSAGE ?? ''));
    expect(expected.length > 0, 'dockd logged no warning in this run (a yank logs one)');
    expect(
      shown.length === expected.length,
      `journalctl -p warning shows ${shown.length} of dockd's ${expected.length} warnings and errors`,
    );
  },
};

/** `dockctl doctor` passes on the installed box (no check fails, no rules file listed twice). */
export const doctorCheck: HilCheck = {
  name: 'dockctl doctor is clean, and lists the udev rules files once on merged /usr',
  slug: 'doctor',
  timeoutMs: 180_000,
  async run(ctx, ev) {
    // The guest has no NTP server; set the kernel's NTP state as timesyncd does after a sync
    // (adjtimex: clear STA_UNSYNC, zero the error), so the time check judges a synchronised box.
    await ctx.guest.sh(
      `perl -e 'my $t = pack("I x4 q4 i x4 x160", 0x1c, 0, 0, 0, 0, 0); syscall(159, $t) >= 0 or die "adjtimex: $!"'`,
    );
    const doctor = await ctx.guest.run('dockctl doctor', 120_000);
    await ev.write('doctor.txt', doctor.stdout + doctor.stderr);
    expect(doctor.code === 0, `doctor exited ${doctor.code}:\n${doctor.stdout}`);
    const rules = /recorder rules\s+recorder rules installed \(([^)]*)\)/.exec(doctor.stdout)?.[1] ?? '';
    const names = rules.split(', ');
    expect(names.length === new Set(names).size, `doctor lists a rules file twice: ${rules}`);
  },
};

/** The page answers on its port, and /healthz and /readyz on theirs. */
export const pageCheck: HilCheck = {
  name: 'the page answers on its port; /healthz and /readyz answer',
  slug: 'page-and-health',
  timeoutMs: 120_000,
  async run(ctx, ev) {
    const out = await ctx.guest.sh(
      [
        'curl -s -o /tmp/page.html -w "page %{http_code} %{redirect_url}\\n" http://127.0.0.1:8470/',
        'curl -s -o /tmp/login.html -w "login %{http_code}\\n" -L http://127.0.0.1:8470/',
        'curl -s -w " healthz %{http_code}\\n" http://127.0.0.1:8471/healthz',
        'curl -s -w " readyz %{http_code}\\n" http://127.0.0.1:8471/readyz',
        'grep -o "<title>[^<]*</title>" /tmp/login.html',
      ].join('\n'),
    );
    await ev.write('answers.txt', out);
    expect(/login 200/.test(out), `the page did not answer 200: ${out}`);
    expect(/healthz 200/.test(out) && /readyz 200/.test(out), `health: ${out}`);
    expect(/<title>[^<]*[\u4e00-\u9fff]/.test(out), `the page's title is not Chinese: ${out}`);
  },
};

/** Stack traces in the journal name the installed program, never the build machine's folder. */
export const stackPathCheck: HilCheck = {
  name: "stack traces name the installed program, not the build machine's temporary folder",
  slug: 'stack-paths',
  timeoutMs: 120_000,
  async run(ctx, ev) {
    const out = await ctx.guest.sh(
      [
        'echo "build folder in the program: $(grep -c -a recorder-dock-deb- /usr/lib/recorder-dock/recorder-dock)"',
        'echo "installed name in the program: $(grep -c -a usr/lib/recorder-dock/recorder-dock.cjs /usr/lib/recorder-dock/recorder-dock)"',
        'journalctl -b -q -o cat -u recorder-dock -u recorder-dock-mountd | grep -o \'"stack":"[^"]*\' | head -20 || true',
      ].join('\n'),
    );
    await ev.write('stacks.txt', out);
    expect(/build folder in the program: 0$/m.test(out), `the program carries the build folder: ${out}`);
    expect(
      /installed name in the program: [1-9]/m.test(out),
      `the program does not name its installed script: ${out}`,
    );
    expect(!/\/tmp\//.test(out), `a stack trace names /tmp: ${out}`);
  },
};

/** `dockctl verify --files` at the end: every sealed file is in the vault and hashes to its seal. */
export const verifyFilesCheck: HilCheck = {
  name: 'dockctl verify --files is clean at the end',
  slug: 'verify-files',
  timeoutMs: 300_000,
  async run(ctx, ev) {
    const r = await ctx.guest.run('dockctl verify --files', 280_000);
    await ev.write('verify.txt', r.stdout + r.stderr);
    expect(r.code === 0, `dockctl verify --files exited ${r.code}: ${r.stdout.slice(-800)}${r.stderr}`);
  },
};

/** `apt purge` removes the package and its configuration, never the ledger or the vault. */
export const purgeCheck: HilCheck = {
  name: 'apt purge removes the package but keeps the ledger and the vault',
  slug: 'purge',
  timeoutMs: 300_000,
  async run(ctx, ev) {
    const before = await ctx.guest.sh('find /var/lib/recorder-dock/vault/sha256 -type f | wc -l');
    const cursor = await ctx.guest.cursor();
    const r = await ctx.guest.run('DEBIAN_FRONTEND=noninteractive apt purge -y recorder-dock 2>&1', 240_000);
    await ev.write('apt-purge.txt', r.stdout + r.stderr);
    expect(r.code === 0, `apt purge exited ${r.code}`);
    const after = await ctx.guest.sh(
      [
        'echo "sealed files: $(find /var/lib/recorder-dock/vault/sha256 -type f | wc -l)"',
        'ls /var/lib/recorder-dock/ledger.db',
        'ls /etc/recorder-dock 2>&1 || true',
        'systemctl list-unit-files "recorder-dock*" --no-legend || true',
        `echo "reloads: $(journalctl -q -o cat _PID=1 --after-cursor='${cursor}' | grep -c '^Reloading' || true)"`,
      ].join('\n'),
    );
    await ev.write('after-purge.txt', after);
    expect(
      after.includes(`sealed files: ${before.trim()}`),
      `the vault lost files: before ${before.trim()}, after: ${after}`,
    );
    expect(/\/var\/lib\/recorder-dock\/ledger\.db/.test(after), 'the ledger is gone');
    expect(/reloads: 1$/m.test(after), `systemd reloads during the purge: ${after}`);
  },
};
