// A local stand-in for Upstash Redis's REST API, backed by the real Redis on 127.0.0.1:6379.
// POST / with a JSON command array → { result } or { error } (400); POST /pipeline and /multi-exec
// with an array of commands → an array of those; `Authorization: Bearer <token>`; with the header
// `Upstash-Encoding: base64` string results are base64-encoded, as Upstash does.
// Upstash's scripts start with `#!lua flags=allow-key-locking`, which stock Redis 7 rejects: the fake
// drops that line before EVAL and answers EVALSHA for the ORIGINAL script's sha1 (unknown sha1 →
// NOSCRIPT, so clients fall back to EVAL, as against Upstash).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

// ——— a small RESP2 client ———

export class RedisError extends Error {}
class SimpleString {
  constructor(public value: string) {}
}
type Reply = string | number | null | SimpleString | RedisError | Reply[];

export class RespClient {
  private buf = Buffer.alloc(0);
  private queue: Array<{ resolve: (v: Reply) => void; reject: (e: Error) => void }> = [];
  private constructor(private sock: Socket) {
    sock.on("data", (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      for (;;) {
        const parsed = parse(this.buf, 0);
        if (!parsed) break;
        this.buf = this.buf.subarray(parsed.next);
        const waiter = this.queue.shift();
        if (!waiter) continue;
        if (parsed.value instanceof RedisError) waiter.reject(parsed.value);
        else waiter.resolve(parsed.value);
      }
    });
    const failAll = (err: Error) => {
      for (const w of this.queue.splice(0)) w.reject(err);
    };
    sock.on("error", failAll);
    sock.on("close", () => failAll(new Error("redis connection closed")));
  }

  static connect(port = 6379, host = "127.0.0.1"): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(port, host, () => resolve(new RespClient(sock)));
      sock.once("error", reject);
    });
  }

  /** Sends one command; resolves with the reply (simple strings unwrapped), rejects on an error reply. */
  async command(args: Array<string | number | Buffer>): Promise<unknown> {
    return unwrap(await this.raw(args));
  }

  raw(args: Array<string | number | Buffer>): Promise<Reply> {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.sock.write(Buffer.concat(parts));
    });
  }

  close() {
    this.sock.end();
  }
}

function parse(buf: Buffer, at: number): { value: Reply; next: number } | null {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return null;
  const line = buf.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at]!)) {
    case "+":
      return { value: new SimpleString(line), next };
    case "-":
      return { value: new RedisError(line), next };
    case ":":
      return { value: Number(line), next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), next: next + len + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}

function unwrap(v: Reply): unknown {
  if (v instanceof SimpleString) return v.value;
  if (Array.isArray(v)) return v.map(unwrap);
  return v;
}

// ——— the REST fake ———

export const UPSTASH_TOKEN = "upstash-test-token-0a1b2c3d";

/** "ok"; "down": connections are cut without an answer; "unavailable": 503; "hang": no answer at all. */
export type UpstashFakeMode = "ok" | "down" | "unavailable" | "hang";

export interface UpstashFake {
  url: string;
  token: string;
  /** Every command received (pipelines flattened), e.g. ["EVALSHA", sha, "1", key, …]. */
  commands: string[][];
  calls(): number;
  mode(m: UpstashFakeMode): void;
  /** A direct connection to the Redis behind the fake, for checking what was stored. */
  redis: RespClient;
  close(): Promise<void>;
}

const SHEBANG = /^#!lua[^\n]*\n/;
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

export async function startUpstashFake(opts: { token?: string; redisPort?: number } = {}): Promise<UpstashFake> {
  const token = opts.token ?? UPSTASH_TOKEN;
  const redis = await RespClient.connect(opts.redisPort ?? 6379);
  const scripts = new Map<string, string>(); // sha1 of the original script → script runnable on Redis 7
  const commands: string[][] = [];
  let requests = 0;
  let current: UpstashFakeMode = "ok";

  const arg = (v: unknown): string => (v === null || v === undefined ? "" : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));

  // Drop the shebang line (keeping line numbers) and remember the original's sha1.
  const remember = (script: string) => {
    const sha = sha1(script);
    scripts.set(sha, script.replace(SHEBANG, "\n"));
    return sha;
  };

  async function run(cmd: unknown): Promise<Reply> {
    if (!Array.isArray(cmd) || cmd.length === 0) return new RedisError("ERR failed to parse command");
    const args = cmd.map(arg);
    commands.push(args);
    const name = args[0]!.toUpperCase();
    try {
      if (name === "EVAL") {
        remember(args[1] ?? "");
        return await redis.raw(["EVAL", scripts.get(sha1(args[1] ?? ""))!, ...args.slice(2)]);
      }
      if (name === "EVALSHA" || name === "EVALSHA_RO") {
        const script = scripts.get((args[1] ?? "").toLowerCase());
        if (!script) return new RedisError("NOSCRIPT No matching script. Please use EVAL.");
        return await redis.raw(["EVAL", script, ...args.slice(2)]);
      }
      if (name === "SCRIPT" && args[1]?.toUpperCase() === "LOAD") {
        const sha = remember(args[2] ?? "");
        await redis.raw(["SCRIPT", "LOAD", scripts.get(sha)!]);
        return sha;
      }
      if (name === "SCRIPT" && args[1]?.toUpperCase() === "EXISTS") {
        return args.slice(2).map((s) => (scripts.has(s.toLowerCase()) ? 1 : 0));
      }
      return await redis.raw(args);
    } catch (err) {
      return err instanceof RedisError ? err : new RedisError(`ERR ${String(err)}`);
    }
  }

  const encode = (v: Reply, base64: boolean): unknown => {
    if (v instanceof SimpleString) return !base64 || v.value === "OK" ? v.value : Buffer.from(v.value).toString("base64");
    if (typeof v === "string") return base64 ? Buffer.from(v).toString("base64") : v;
    if (Array.isArray(v)) return v.map((x) => encode(x, base64));
    return v;
  };
  const answer = (v: Reply, base64: boolean) => (v instanceof RedisError ? { error: v.message } : { result: encode(v, base64) });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    requests++;
    if (current === "hang") return;
    if (current === "down") {
      req.socket.destroy();
      return;
    }
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (current === "unavailable") return send(503, { error: "Service Unavailable" });
    if (req.method !== "POST") return send(405, { error: "Method Not Allowed" });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: "Unauthorized" });
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { error: "ERR failed to parse command" });
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = new URL(req.url ?? "/", "http://fake").pathname.replace(/\/+$/, "");
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body)) return send(400, { error: "ERR a pipeline is an array of commands" });
      const out = [];
      for (const cmd of body) out.push(answer(await run(cmd), base64));
      return send(200, out);
    }
    if (path !== "") return send(400, { error: `ERR unsupported path ${path}` });
    const reply = await run(body);
    return send(reply instanceof RedisError ? 400 : 200, answer(reply, base64));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    commands,
    calls: () => requests,
    mode(m) {
      current = m;
    },
    redis,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          redis.close();
          resolve();
        });
      }),
  };
}
