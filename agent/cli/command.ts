/** What a dockctl subcommand gets: its arguments and where to write. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** One dockctl subcommand. `run` resolves to the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  run(io: CliIo): Promise<number>;
}

/** Exit codes scripts can rely on (sysexits.h where one fits). */
export const ExitCode = {
  ok: 0,
  /** The check ran and found problems (verify, doctor). */
  findings: 1,
  usage: 64,
  dataErr: 65,
  noInput: 66,
  software: 70,
  ioErr: 74,
  config: 78,
} as const;
