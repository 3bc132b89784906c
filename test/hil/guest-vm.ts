import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { GuestAgent } from './guest-agent.ts';
import type { GuestKernel } from './guest-kernel.ts';
import { host } from './host-command.ts';
import { QmpClient, withTimeout } from './qmp-client.ts';

/** What a guest boots from and shares with the host. */
export interface GuestVmOptions {
  readonly kernel: GuestKernel;
  readonly initrd: string;
  /** The cached root image; the guest writes to an overlay of it in `runDir`. */
  readonly rootImage: string;
  /** Scratch folder: sockets, the overlay disk, QEMU's own output. */
  readonly runDir: string;
  /** Shared read-only with the guest at /mnt/hil-in (the .deb, libraries, scripts). */
  readonly inDir: string;
  /** Shared read-write with the guest at /mnt/hil-out (evidence the guest writes). */
  readonly outDir: string;
  /** The guest's serial console. */
  readonly consoleLog: string;
  readonly memoryMiB?: number;
  /** Boot to the agent's hello within this time. */
  readonly bootTimeoutMs?: number;
}

/**
 * QEMU on a leash: it is stopped when the suite's end of the wrapper's stdin closes, which the
 * kernel does for us however the suite ends (a crash, SIGKILL), so no guest outlives a run.
 */
const LEASH = `exec 3<&0
"$@" </dev/null & q=$!
{ read -r _ <&3; kill "$q" 2>/dev/null; } &
w=$!
wait "$q"; rc=$?
kill "$w" 2>/dev/null
exit "$rc"`;

/** The chardev the guest reaches as /dev/virtio-ports/hil.fw (a gadget's serial relay). */
export const FIRMWARE_PORT = 'hil.fw';

async function listen(file: string): Promise<Server> {
  await rm(file, { force: true });
  const server = createServer();
  server.listen(file);
  await once(server, 'listening');
  return server;
}

function nextConnection(server: Server, ms: number, what: string): Promise<Socket> {
  return withTimeout(
    once(server, 'connection').then(([s]) => s as Socket),
    ms,
    what,
  );
}

/**
 * One QEMU guest under TCG (KVM does not work on these machines) with one vCPU: Debian's kernel
 * booted through its PVH entry, the root image as a virtio disk (overlay), an xHCI controller for
 * hot-plugged recorders, a virtio-serial control channel to the guest agent, two 9p shares, and
 * QMP. QEMU connects to sockets the suite already listens on, so nothing waits for a file.
 */
export class GuestVm {
  /** Milliseconds from QEMU's start to the agent's hello (multi-user.target reached). */
  bootMs = 0;

  private constructor(
    readonly qemu: ChildProcess,
    readonly qmp: QmpClient,
    readonly agent: GuestAgent,
    readonly runDir: string,
    private readonly exited: Promise<number | null>,
  ) {}

  /** Start QEMU and wait for QMP and the guest agent's hello. */
  static async start(opts: GuestVmOptions): Promise<GuestVm> {
    await mkdir(opts.runDir, { recursive: true });
    const overlay = path.join(opts.runDir, 'root-overlay.qcow2');
    await rm(overlay, { force: true });
    await host('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', opts.rootImage, '-F', 'raw', overlay]);
    const qmpServer = await listen(path.join(opts.runDir, 'qmp.sock'));
    const ctlServer = await listen(path.join(opts.runDir, 'ctl.sock'));
    const started = Date.now();
    const qemu = spawn('bash', ['-c', LEASH, 'hil-qemu', 'qemu-system-x86_64', ...qemuArgs(opts, overlay)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-8000);
    };
    qemu.stdout?.on('data', keep);
    qemu.stderr?.on('data', keep);
    const exited = new Promise<number | null>((resolve) => qemu.once('exit', (code) => resolve(code)));
    const died = exited.then((code) => {
      throw new Error(`QEMU exited (${code}) before the guest came up: ${output.trim()}`);
    });
    try {
      const [qmpSocket, ctlSocket] = await Promise.race([
        Promise.all([
          nextConnection(qmpServer, 30_000, 'QEMU’s QMP connection'),
          nextConnection(ctlServer, 30_000, 'QEMU’s control channel'),
        ]),
        died,
      ]);
      const qmp = new QmpClient(qmpSocket);
      const agent = new GuestAgent(ctlSocket);
      await Promise.race([qmp.start(), died]);
      await Promise.race([agent.waitHello(opts.bootTimeoutMs ?? 240_000), died]);
      const vm = new GuestVm(qemu, qmp, agent, opts.runDir, exited);
      vm.bootMs = Date.now() - started;
      return vm;
    } catch (err) {
      qemu.stdin?.end();
      throw err;
    } finally {
      qmpServer.close();
      ctlServer.close();
    }
  }

  /** Power the guest off (systemd shuts down cleanly), or stop QEMU when it does not. */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (this.qemu.exitCode !== null) return;
    this.agent.run('systemctl poweroff', 5_000).catch(() => undefined);
    const off = await withTimeout(this.exited, timeoutMs, 'the guest’s power-off').catch(() => undefined);
    if (off === undefined) {
      await this.qmp.execute('quit').catch(() => undefined);
      this.qemu.stdin?.end();
      await withTimeout(this.exited, 10_000, 'QEMU’s exit').catch(() => undefined);
    }
    this.qmp.close();
    this.agent.close();
  }
}

function qemuArgs(opts: GuestVmOptions, overlay: string): string[] {
  const sock = (name: string) => path.join(opts.runDir, name);
  return [
    ...['-accel', 'tcg,thread=multi', '-cpu', 'max', '-smp', '1', '-m', String(opts.memoryMiB ?? 2048)],
    ...['-nodefaults', '-display', 'none', '-no-reboot'],
    ...['-kernel', opts.kernel.vmlinux, '-initrd', opts.initrd],
    // no_timer_check: on a loaded host the emulated CPU can miss the kernel's IO-APIC timer check
    // at boot ("IO-APIC + timer doesn't work!", a panic); the timer itself works.
    ...['-append', 'console=ttyS0 panic=-1 systemd.show_status=1 no_timer_check'],
    ...['-serial', `file:${opts.consoleLog}`],
    ...['-drive', `file=${overlay},if=none,id=root,format=qcow2,cache=unsafe`],
    ...['-device', 'virtio-blk-pci,drive=root'],
    ...['-device', 'qemu-xhci,id=xhci', '-device', 'virtio-rng-pci'],
    ...['-chardev', `socket,id=qmp,path=${sock('qmp.sock')},server=off`, '-mon', 'chardev=qmp,mode=control'],
    '-device',
    'virtio-serial-pci',
    ...['-chardev', `socket,id=ctl,path=${sock('ctl.sock')},server=off`],
    ...['-device', 'virtserialport,chardev=ctl,name=hil.ctl'],
    ...['-chardev', `socket,id=fw,path=${sock('fw.sock')},server=on,wait=off`],
    ...['-device', `virtserialport,chardev=fw,name=${FIRMWARE_PORT}`],
    ...['-virtfs', `local,path=${opts.inDir},mount_tag=hilin,security_model=none,readonly=on`],
    ...['-virtfs', `local,path=${opts.outDir},mount_tag=hilout,security_model=none`],
  ];
}
