// Embedded Postgres for local runs: PGlite (Postgres compiled to WASM) persisted to a
// directory and served on 127.0.0.1 over the Postgres wire protocol, so the API and the
// worker keep using their ordinary `pg` driver and pools.
//
// Why not PGLiteSocketServer's own multiplexer (@electric-sql/pglite-socket 0.2.x,
// `maxConnections > 1`)? PGlite is ONE Postgres backend session. That multiplexer
// interleaves single protocol messages of different client connections, keeping affinity
// only inside an explicit BEGIN block. An extended-protocol query (Parse/Bind/Execute/Sync,
// which is what `pg` sends for every parameterised query) of one connection can then be
// cut in half by another connection's messages: we measured `portal "" does not exist`
// errors and hung clients with two pools of 5 (see docs/runtime.md).
//
// This server keeps the same wire handling but hands the session to one client
// connection at a time, at the only safe boundary: from the connection's first message
// until the backend reports ReadyForQuery with status 'I' (idle, no open transaction).
// A whole query, or a whole transaction, therefore runs without interleaving — the same
// contract as a transaction-pooling proxy (PgBouncer) in front of a single backend.
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';

/** Client connections accepted at once; more are refused with a Postgres error. */
export const DEFAULT_MAX_CONNECTIONS = 64;
/** Warn when a connection has kept others waiting this long (open transaction). */
const LONG_HOLD_WARN_MS = 10_000;

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/**
 * Start PGlite on `dataDir` and serve it on 127.0.0.1:`port` (0 = any free port).
 *
 * @param {{ dataDir: string, port?: number, maxConnections?: number, log?: (msg: string) => void }} options
 * @returns {Promise<{ url: string, port: number, dataDir: string, stats: () => object, stop: () => Promise<void> }>}
 */
export async function startEmbeddedDatabase({
  dataDir,
  port = 0,
  maxConnections = DEFAULT_MAX_CONNECTIONS,
  log = () => {},
}) {
  if (!dataDir) throw new Error('startEmbeddedDatabase: dataDir is required');
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });

  const started = Date.now();
  const db = await PGlite.create({ dataDir: dir });
  const session = new SessionGate(log);
  const connections = new Set();
  const counters = { accepted: 0, refused: 0, messages: 0 };

  const server = net.createServer({ noDelay: true }, (socket) => {
    if (connections.size >= maxConnections) {
      counters.refused++;
      socket.end(errorResponse('53300', `sorry, too many clients already (embedded database allows ${maxConnections})`));
      return;
    }
    counters.accepted++;
    const conn = new ClientConnection(socket, db, session, counters, log);
    connections.add(conn);
    conn.closed.then(() => connections.delete(conn));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await db.close();
    throw new Error(`embedded database: cannot listen on 127.0.0.1:${port}: ${err.message}`);
  });

  const actualPort = server.address().port;
  const url = `postgres://postgres:postgres@127.0.0.1:${actualPort}/postgres`;
  log(`embedded database ready on 127.0.0.1:${actualPort} (data: ${dir}, ${Date.now() - started} ms)`);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise((resolve) => {
        server.close(() => resolve());
        // Client sockets are closed below; an open transaction is rolled back by cleanup.
        for (const conn of connections) conn.socket.destroy();
      });
      await Promise.all([...connections].map((conn) => conn.closed));
      // A clean PGlite shutdown checkpoints, so the next start resumes this data directory.
      if (!db.closed) await db.close();
      log('embedded database stopped');
    })());

  const stats = () => ({
    connections: connections.size,
    waiting: session.waiters.length,
    ...counters,
  });

  return { url, port: actualPort, dataDir: dir, stats, stop };
}

/** Hands the single PGlite session to one client connection at a time, in FIFO order. */
class SessionGate {
  owner = null;
  ownedSince = 0;
  waiters = [];
  #timer;

  constructor(log) {
    this.log = log;
  }

  /** @returns {Promise<void>} resolved when `conn` owns the session */
  acquire(conn) {
    if (this.owner === conn) return Promise.resolve();
    if (this.owner === null) {
      this.#grant(conn);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ conn, resolve, reject });
      this.#watch();
    });
  }

  release(conn) {
    if (this.owner !== conn) return;
    this.owner = null;
    const next = this.waiters.shift();
    if (next) {
      this.#grant(next.conn);
      next.resolve();
    }
  }

  /** Forget a connection that went away while waiting. */
  forget(conn) {
    const gone = this.waiters.filter((w) => w.conn === conn);
    this.waiters = this.waiters.filter((w) => w.conn !== conn);
    for (const w of gone) w.reject(new Error('connection closed'));
  }

  #grant(conn) {
    this.owner = conn;
    this.ownedSince = Date.now();
  }

  // A transaction that waits for another connection of the same database would deadlock
  // here (on a real Postgres it would just run). Say so instead of hanging silently.
  #watch() {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.waiters.length === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        return;
      }
      const held = Date.now() - this.ownedSince;
      if (this.owner && held >= LONG_HOLD_WARN_MS) {
        this.log(
          `WARNING: connection #${this.owner.id} has held the embedded database for ${Math.round(held / 1000)} s ` +
            `(open transaction); ${this.waiters.length} statement(s) from other connections are waiting. ` +
            'A transaction that awaits a query on another connection deadlocks on the embedded database.',
        );
      }
    }, LONG_HOLD_WARN_MS);
    this.#timer.unref();
  }
}

let nextConnectionId = 1;

/** One client socket: frames protocol messages and runs them on the shared session. */
class ClientConnection {
  id = nextConnectionId++;
  #buffer = Buffer.alloc(0);
  #draining = false;
  #startupDone = false;
  #ended = false;
  #scan = new ReadyScanner();
  #resolveClosed;

  constructor(socket, db, session, counters, log) {
    this.socket = socket;
    this.db = db;
    this.session = session;
    this.counters = counters;
    this.log = log;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
      void this.#drain();
    });
    socket.on('error', () => {}); // 'close' follows; ECONNRESET is a normal client exit
    socket.on('close', () => void this.#cleanup());
  }

  async #drain() {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        if (this.#ended) return;
        const message = this.#nextMessage();
        if (!message) return;
        await this.#handle(message);
      }
    } catch (err) {
      if (!this.#ended) this.log(`connection #${this.id}: ${err.message}`);
      this.socket.destroy();
    } finally {
      this.#draining = false;
    }
  }

  #nextMessage() {
    const buf = this.#buffer;
    const headerLength = this.#startupDone ? 5 : 4;
    if (buf.length < headerLength) return null;
    const total = this.#startupDone ? 1 + buf.readInt32BE(1) : buf.readInt32BE(0);
    if (buf.length < total) return null;
    this.#buffer = buf.subarray(total);
    // Copy: the socket may reuse the chunk, PGlite reads the message later.
    return Buffer.from(buf.subarray(0, total));
  }

  async #handle(message) {
    if (!this.#startupDone) {
      const code = message.length >= 8 ? message.readInt32BE(4) : 0;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // no TLS on loopback; client continues in plain text
        return;
      }
      if (code === CANCEL_REQUEST) {
        // There is no separate backend to signal; cancellation is not supported.
        this.socket.end();
        return;
      }
      if (code !== PROTOCOL_3) {
        this.socket.end(errorResponse('08P01', `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`));
        return;
      }
      this.#startupDone = true;
    } else if (message[0] === 0x58 /* 'X' Terminate */) {
      this.#ended = true;
      this.socket.end();
      return;
    }

    await this.session.acquire(this);
    if (this.#ended) return; // closed while waiting; cleanup releases the session
    this.counters.messages++;
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          this.#scan.push(data);
          // `data` is a view into PGlite's WASM memory: copy before handing it to the socket.
          if (!this.socket.destroyed) this.socket.write(Buffer.from(data));
        },
      }),
    );
    if (this.#scan.idle()) this.session.release(this);
  }

  async #cleanup() {
    if (this.#ended && this.session.owner !== this) {
      this.session.forget(this);
      this.#resolveClosed();
      return;
    }
    this.#ended = true;
    this.session.forget(this);
    try {
      if (this.session.owner === this) {
        // The client vanished mid-query or mid-transaction: finish the protocol cycle and
        // roll back, so the next connection gets an idle session.
        const discard = { onRawData: () => {} };
        await this.db.runExclusive(async () => {
          await this.db.execProtocolRawStream(SYNC, discard);
          if (this.db.isInTransaction()) await this.db.execProtocolRawStream(simpleQuery('ROLLBACK'), discard);
        });
      }
    } catch (err) {
      this.log(`connection #${this.id}: cleanup failed: ${err.message}`);
    } finally {
      this.session.release(this);
      this.#resolveClosed();
    }
  }
}

/**
 * Follows the backend's output stream just far enough to know the status byte of the
 * last ReadyForQuery ('Z') message: 'I' idle, 'T' in transaction, 'E' failed transaction.
 */
class ReadyScanner {
  #header = Buffer.alloc(5);
  #headerFill = 0;
  #remaining = 0; // body bytes of the current message still to skip
  #inReady = false;
  #status = null;

  push(data) {
    let i = 0;
    while (i < data.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, data.length - i);
        if (this.#inReady) this.#status = data[i + take - 1];
        this.#remaining -= take;
        i += take;
        continue;
      }
      this.#header[this.#headerFill++] = data[i++];
      if (this.#headerFill === 5) {
        this.#headerFill = 0;
        this.#inReady = this.#header[0] === 0x5a; /* 'Z' */
        this.#remaining = this.#header.readInt32BE(1) - 4;
        // Any message after a ReadyForQuery starts a new cycle: no longer idle.
        if (!this.#inReady) this.#status = null;
      }
    }
  }

  /** True if the backend's last word was ReadyForQuery(idle). */
  idle() {
    return this.#headerFill === 0 && this.#remaining === 0 && this.#status === 0x49; /* 'I' */
  }

  get status() {
    return this.#status === null ? null : String.fromCharCode(this.#status);
  }
}

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

function simpleQuery(sql) {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.alloc(5 + text.length);
  msg[0] = 0x51; // 'Q'
  msg.writeInt32BE(4 + text.length, 1);
  text.copy(msg, 5);
  return msg;
}

function errorResponse(code, message) {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const msg = Buffer.alloc(5 + fields.length);
  msg[0] = 0x45; // 'E'
  msg.writeInt32BE(4 + fields.length, 1);
  fields.copy(msg, 5);
  return msg;
}
