import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { registerLanding } from './landing.js';

/**
 * Where `npm run build` puts the inspector: `dist/ui` at the package root, which is two levels above
 * this module both as source (src/api) and as built (dist/api).
 */
export const INSPECTOR_ASSETS = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/**
 * The page may talk to its own origin only: it reads the control API and the event stream, nothing
 * else, and is never framed (a framed inspector could be clicked into replaying callbacks).
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built inspector at `/`. Each built file gets its own route (no wildcard), so the carrier
 * APIs, the control API and the sink keep every other path, and unknown paths still get the API's 404.
 * Without a build (a checkout where `npm run build` has not run) `/` says how to make one.
 */
export function registerInspector(server: FastifyInstance, version: string, assetsDir: string = INSPECTOR_ASSETS): void {
  if (!existsSync(join(assetsDir, 'index.html'))) {
    registerLanding(server, version);
    return;
  }
  void server.register(fastifyStatic, {
    root: assetsDir,
    wildcard: false,
    index: 'index.html',
    decorateReply: false,
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', PAGE_POLICY);
      res.setHeader('referrer-policy', 'no-referrer');
      // Vite puts a content hash in every asset name, so only the page itself must be re-read.
      const hashed = path.includes(`${join('assets', '')}`);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
