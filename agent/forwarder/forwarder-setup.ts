import type { Logger } from 'pino';
import { moduleLogger } from '../ops/logger.ts';
import { createTarget } from './create-target.ts';
import { Forwarder, type ForwarderLedger } from './forwarder.ts';
import type { ForwarderConfig } from './forwarder-config.ts';

/** What dockd hands over to run the forwarder. */
export interface ForwarderDeps {
  readonly ledger: ForwarderLedger;
  readonly logger: Logger;
  readonly stateDir: string;
  readonly now?: () => Date;
}

/**
 * Build the target the configuration names and a forwarder on it (not started). A target that
 * cannot be reached is not an error here: `start()` succeeds and `status()` shows it. What fails
 * is configuration: an unreadable token or credentials file, a token over plain http.
 */
export async function createForwarder(config: ForwarderConfig, deps: ForwarderDeps): Promise<Forwarder> {
  const logger = moduleLogger(deps.logger, 'forwarder');
  const target = await createTarget(config.target, { stateDir: deps.stateDir, logger, now: deps.now });
  return new Forwarder({
    ledger: deps.ledger,
    target,
    logger: deps.logger,
    stateDir: deps.stateDir,
    now: deps.now,
    batchSize: config.batchSize,
    backoff: config.backoff,
    pollMs: config.pollSeconds * 1000,
    personalFields: config.personalFields,
    keepDeliveredDays: config.keepDeliveredDays,
  });
}
