import type { CliCommand } from './command.ts';
import { ingestCommand } from './ingest-command.ts';
import { verifyCommand } from './verify-command.ts';

/** Every dockctl subcommand, in help order. Each lives in its own module under agent/cli/. */
export const commands: readonly CliCommand[] = [ingestCommand, verifyCommand];
