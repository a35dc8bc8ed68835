import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './chromium-path.js';

/**
 * Vitest global setup: says once per run when the browser tests will be skipped, and refuses to run
 * under CI without the browser (a green CI must have driven the inspector).
 */
export default function checkBrowser(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.env.CI === 'true') {
    throw new Error(`browser tests need ${CHROMIUM_PATH} under CI: apt-get install -y chromium (.ci/run does it)`);
  }
  console.log(`browser tests skipped: ${CHROMIUM_PATH} not found (apt-get install -y chromium to run them)`);
}
