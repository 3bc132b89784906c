import { clipsCommand, labelCommand } from './clip-commands.ts';
import type { CliCommand } from './command.ts';
import { configCommand } from './config-command.ts';
import { copiesCommand } from './copies-command.ts';
import {
  alertsCommand,
  explainCommand,
  ledgerCommand,
  recordersCommand,
  sessionsCommand,
} from './dock-commands.ts';
import { doctorCommand } from './doctor-command.ts';
import { exportCommand } from './export-command.ts';
import { forwardCommand } from './forwarder-command.ts';
import { holdsCommand } from './holds-command.ts';
import { ingestCommand } from './ingest-command.ts';
import { caseCommand, purgeCommand } from './purge-command.ts';
import { reportCommand } from './report-command.ts';
import { statusCommand } from './status-command.ts';
import { udevRulesCommand } from './udev-rules-command.ts';
import { userCommand } from './user-command.ts';
import { verifyCommand } from './verify-command.ts';

/** Every dockctl subcommand, in help order. Each lives in its own module under agent/cli/. */
export const commands: readonly CliCommand[] = [
  statusCommand,
  recordersCommand,
  sessionsCommand,
  ledgerCommand,
  alertsCommand,
  explainCommand,
  clipsCommand,
  labelCommand,
  copiesCommand,
  holdsCommand,
  purgeCommand,
  caseCommand,
  reportCommand,
  ingestCommand,
  verifyCommand,
  exportCommand,
  forwardCommand,
  userCommand,
  configCommand,
  doctorCommand,
  udevRulesCommand,
];
