/**
 * The agent's error vocabulary. The base class and the errno helpers are part of the contract
 * floor (drivers/contract/errors.ts), shared with the drivers; agent code imports them from here.
 */
export {
  DockError,
  errnoCode,
  isDeleteRefused,
  isDeviceGone,
  isDockError,
} from '../drivers/contract/errors.ts';
