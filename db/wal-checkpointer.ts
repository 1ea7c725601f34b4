// WAL checkpoints off the click path. SQLite's auto-checkpoint runs inside whichever commit crosses ~1000 WAL
// pages, so a click's transaction now and then paid 2-70 ms copying pages back. Here the store's own connection
// has auto-checkpoint off and a worker thread, with its own connection to the same file, runs
// `wal_checkpoint(PASSIVE)` every interval: it never takes the write lock, so commits go on beside it. When the WAL
// has outgrown its bound anyway (writes faster than the checkpoints, a reader holding old pages), one
// `wal_checkpoint(RESTART)` makes the next writer start the file over.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One checkpoint pass, as SQLite reports it: frames in the WAL and how many of them are now in the database. */
export interface CheckpointResult {
  mode: 'PASSIVE' | 'RESTART';
  /** 1 when SQLite could not finish (a writer or reader was in the way); the next pass goes on. */
  busy: number;
  /** Frames in the WAL (-1 when the file is not in WAL mode). */
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  file: string;
  /** A PASSIVE pass this often. */
  intervalMs: number;
  /** A WAL with more frames than this after a pass gets a RESTART pass (bounds the file). */
  maxWalPages: number;
  /** The worker failed or exited on its own: the store puts SQLite's auto-checkpoint back. */
  onFailure: (error: Error) => void;
}

// Plain CommonJS run with `eval`, so the same code works from the TypeScript sources (tests, bench) and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// Never waits: a RESTART pass holds the write lock while it waits for readers, so a reader on an old snapshot (a
// backup, \`golive verify\`) made every click queue behind it, a second a pass, until clicks failed as locked.
// A pass that finds the lock taken checkpoints what it can, as a PASSIVE one does, and the next pass tries again.
db.pragma('busy_timeout = 0');
const pass = (mode) => {
  const row = db.pragma('wal_checkpoint(' + mode + ')')[0];
  return { mode, busy: row.busy, log: row.log, checkpointed: row.checkpointed };
};
const run = () => {
  const passive = pass('PASSIVE');
  return passive.log > workerData.maxWalPages ? pass('RESTART') : passive;
};
const timer = setInterval(() => {
  try {
    run();
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ type: 'result', id: message.id, result: run() });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, error: String(error && error.message) });
  }
});
`;

type FromWorker =
  | { type: 'result'; id: number; result?: CheckpointResult; error?: string }
  | { type: 'error'; message: string };

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(options: WalCheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver, file: options.file, intervalMs: options.intervalMs, maxWalPages: options.maxWalPages },
      // It only runs pragmas: a small heap keeps its isolate from costing the process memory.
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    });
    // A background helper: it never keeps a process (a CLI run, a test) alive.
    this.worker.unref();
    const fail = (error: Error): void => {
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
      if (!this.closing) options.onFailure(error);
    };
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'error') {
        options.onFailure(new Error(`WAL checkpoint failed: ${message.message}`));
        return;
      }
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.result) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`WAL checkpoint failed: ${message.error ?? 'unknown error'}`));
    });
    this.worker.on('error', fail);
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        fail(new Error(`the WAL checkpoint worker exited (code ${code})`));
        resolve();
      });
    });
  }

  /** One pass now (besides the periodic ones): for tests and for whoever wants the WAL short at once. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.closing) return Promise.reject(new Error('the WAL checkpointer is closed'));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'check', id });
    });
  }

  /** Closes the worker's connection and waits for the thread to end. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      // Waited on now: a process with nothing else left to do must not exit before the worker has closed.
      this.worker.ref();
      this.worker.postMessage({ type: 'close' });
    }
    await this.exited;
  }
}
