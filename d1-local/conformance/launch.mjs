#!/usr/bin/env node
// Starts the reference D1 server: Miniflare (Cloudflare's workerd + D1 binding, offline, `cf: false`) running
// worker.mjs on a loopback port, with N independent in-memory D1 databases.
//
//   node launch.mjs [--port 8799] [--token t] [--databases 1]
//
// Database ids are `ref-0` ... `ref-{N-1}`; each is a fresh, empty D1 database (its own Durable Object), so a
// client can give every test its own database without restarting workerd. Prints one line on stdout when ready:
//
//   D1REF READY http://127.0.0.1:PORT/client/v4 databases=N
//
// Stops (disposing workerd) on SIGINT/SIGTERM or when its stdin reaches end of file, so a parent process that
// dies takes the server with it when it started us with a stdin pipe.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Miniflare } from 'miniflare';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const port = Number(arg('port', '8799'));
const token = arg('token', 't');
const count = Number(arg('databases', '1'));
const here = dirname(fileURLToPath(import.meta.url));

const d1Databases = {};
const databases = {};
for (let i = 0; i < count; i++) {
  d1Databases[`DB_${i}`] = `ref-${i}`;
  databases[`ref-${i}`] = `DB_${i}`;
}

const mf = new Miniflare({
  name: 'd1-reference',
  modules: true,
  script: readFileSync(join(here, 'worker.mjs'), 'utf8'),
  scriptPath: join(here, 'worker.mjs'),
  compatibilityDate: '2026-04-20',
  host: '127.0.0.1',
  port,
  cf: false,
  d1Databases,
  d1Persist: false,
  bindings: { TOKEN: token, DATABASES: databases },
  verbose: false,
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await mf.dispose();
  } finally {
    process.exit(code);
  }
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();

try {
  const url = await mf.ready;
  const base = new URL('/client/v4', url).href;
  process.stdout.write(`D1REF READY ${base} databases=${count}\n`);
} catch (e) {
  process.stderr.write(`D1REF FAILED ${e && e.stack ? e.stack : e}\n`);
  await stop(1);
}
