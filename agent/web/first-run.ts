/**
 * The command that makes the first administrator at the dock's console, as the login page, the
 * log line of the first start and the package's notes give it. It runs as the service user so
 * the ledger keeps its owner; dockctl asks for the password twice without echo.
 */
export const FIRST_ADMIN_COMMAND = 'sudo -u recorder-dock dockctl user add admin --role admin';
