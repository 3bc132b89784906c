import type { cliviewsDomainZh } from './domain-cliviews-zh.ts';

/** dockctl's views in English; the same keys as domain-cliviews-zh.ts (a missing one is a tsc error). */
export const cliviewsDomainEn: { readonly [K in keyof typeof cliviewsDomainZh]: string } = {
  'cli.col.handle': 'handle',
  'cli.col.file': 'file',
  'cli.recorders.checkout': 'recorder {serial} checked out to {officer}',
  'cli.recorders.accept': 'recorder {serial} accepted: its footage is pulled the next time it is docked',
  'cli.recorders.reject': 'recorder {serial} rejected: it is not ingested; take it out of the dock',
  'lock.mode.COMPLIANCE': 'COMPLIANCE',
  'lock.mode.GOVERNANCE': 'GOVERNANCE',
  'lock.mode.none': 'none',
  'lock.fault.mode': 'retention mode is {found}, not {wanted}',
  'lock.fault.until': 'locked until {found}, not {wanted}',
  'lock.fault.legalHold': 'the legal hold is not on',
  'lock.fault.noVersion': 'the store returned no version id (versioning is off)',
  'lock.fault.separator': '; ',
  'cli.explain.done': 'gap explained ({gap}), signed by {signers}',
  'cli.explain.signed': 'signed; still to sign: {left}',
  'cli.explain.password': 'Password of officer {officer}: ',
};
