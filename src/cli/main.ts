#!/usr/bin/env node
import { processIo } from './process-io.js';
import { runCli } from './program.js';

const result = await runCli(process.argv.slice(2), processIo());
// serve and tail keep running until a signal stops them; the others are done. Exiting explicitly
// also closes keep-alive sockets a finished command left open.
process.exit(result.running ? await result.running : result.exitCode);
