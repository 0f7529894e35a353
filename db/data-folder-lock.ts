import "server-only";
// The embedded database's folder belongs to one process at a time: PGlite has no lock of its own, and
// a second writer (`npm run admin:create` beside a running server) corrupts the folder for good.
// A lock file beside the folder names its holder; a holder that is gone is replaced.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

type Holder = { pid: number; host: string; since: string; command: string };

export class DataFolderInUseError extends Error {
  constructor(
    public readonly folder: string,
    public readonly holder: Holder,
  ) {
    super(
      `The embedded database in ${shown(folder)} is in use by another process ` +
        `(pid ${holder.pid}${holder.host === hostname() ? "" : ` on ${holder.host}`}, ${holder.command}, since ${holder.since}). ` +
        `Only one process may open it: the server is running with this data folder — stop it first, or set ` +
        `LATCHKEY_ADMIN_EMAIL/LATCHKEY_ADMIN_PASSWORD and restart. (If no such process runs, delete ${lockFile(folder)}.)`,
    );
    this.name = "DataFolderInUseError";
  }
}

const lockFile = (folder: string) => `${folder}.lock`;
/** A folder inside the working directory by its relative path, any other by its absolute one. */
const shown = (folder: string) => {
  const rel = path.relative(process.cwd(), folder);
  return rel && !rel.startsWith("..") ? rel : folder;
};

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.host === "string" ? (h as Holder) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the folder's lock for this process, or throws DataFolderInUseError naming the holder.
 * Returns the function that gives it back (also called when the process exits).
 */
export function lockDataFolder(folder: string): () => void {
  const file = lockFile(folder);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: path.basename(process.argv[1] ?? process.argv0) || "node",
  };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off("exit", release);
        // Only our own lock: a holder that replaced a lock we lost is left alone.
        if (readHolder(file)?.pid === process.pid) {
          try {
            unlinkSync(file);
          } catch {
            // Already gone.
          }
        }
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readHolder(file);
      // This process already holds it (the handle was closed and opened again): nothing to take.
      if (holder?.pid === process.pid && holder.host === me.host) return () => {};
      if (holder && (holder.host !== me.host || alive(holder.pid))) throw new DataFolderInUseError(folder, holder);
      // Left by a process that is gone (killed, crashed) or unreadable: take it over.
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; try again.
      }
    }
  }
  throw new Error(`Could not lock the embedded database folder ${folder}`);
}
