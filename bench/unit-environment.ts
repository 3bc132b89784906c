import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The `Environment=` settings of a systemd unit file, as systemd gives them to the service
 * (`Environment=A=1 B=2` on one line, later lines override earlier ones; quoting as systemd does
 * for the simple case of double quotes around a whole assignment). The benches start the dock
 * with these so that it runs as it ships (UV_THREADPOOL_SIZE, NODE_OPTIONS).
 */
export function unitEnvironment(unitText: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unitText.split('\n')) {
    const m = /^\s*Environment=(.*)$/.exec(line);
    if (!m) continue;
    for (const word of (m[1] as string).match(/"[^"]*"|\S+/g) ?? []) {
      const assignment = word.startsWith('"') ? word.slice(1, -1) : word;
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return env;
}

/** The environment of the shipped recorder-dock.service (systemd/ in the repo). */
export function shippedDockEnvironment(repo: string): Record<string, string> {
  return unitEnvironment(readFileSync(path.join(repo, 'systemd', 'recorder-dock.service'), 'utf8'));
}
