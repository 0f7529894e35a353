// A browser without JavaScript for the load and fault tests: a cookie jar shared by every instance
// on localhost (cookies ignore the port, as in a browser), server-action forms posted as multipart
// with the matching Origin, the development outbox read over HTTP, and the sign-up → confirm →
// sign-in → two-step set-up flow of a new account, step by step, with each step's latency.
import { readFileSync, readdirSync } from "node:fs";
import { formPostHeaders, multipart, postForms, request } from "../bench/harness.mjs";

export const USER_AGENT = "latchkey-load";

/** A failed expectation in a flow: `step` names where, `detail` what came back. */
export class StepError extends Error {
  constructor(step, detail) {
    super(`${step}: ${detail}`);
    this.step = step;
    this.detail = detail;
  }
}

/** Text of a page's error messages (role="alert" and field errors), for reports: no markup. */
export function pageMessage(html) {
  const alerts = [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:div|p)>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
  );
  const title = /<h1[^>]*>([\s\S]*?)<\/h1>/
    .exec(html)?.[1]
    ?.replace(/<[^>]+>/g, "")
    .trim();
  return [title, ...alerts].filter(Boolean).join(" | ").slice(0, 300);
}

/** Whether a body looks like a leaked stack trace or raw database error rather than a product page. */
export const leaksInternals = (body) => /\n\s+at [\w.<>]+ \(|ECONNREFUSED|PostgresError|node_modules|57P01|terminating connection/.test(body);

export class Browser {
  /** `timings` (optional) collects [step, ms] pairs; `onResponse(step, res, ms)` sees every answer. */
  constructor(timings, onResponse) {
    this.jar = new Map();
    this.timings = timings;
    this.onResponse = onResponse;
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  keepCookies(setCookie) {
    for (const c of [].concat(setCookie ?? [])) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split("=");
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(a.trim().slice(8)) < Date.now();
        return false;
      });
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async send(step, port, opts) {
    const t = performance.now();
    let res;
    try {
      res = await request(port, { timeoutMs: 120_000, ...opts, headers: { "user-agent": USER_AGENT, cookie: this.cookieHeader(), ...opts.headers } });
    } catch (err) {
      this.onResponse?.(step, { status: 0, headers: {}, body: "", error: err.code ?? err.message }, performance.now() - t);
      throw new StepError(step, err.code ?? err.message);
    }
    const ms = performance.now() - t;
    this.timings?.push([step, ms]);
    this.onResponse?.(step, res, ms);
    this.keepCookies(res.headers["set-cookie"]);
    return res;
  }

  get(step, port, path) {
    return this.send(step, port, { path, headers: { accept: "text/html" } });
  }

  /** Posts `form` (from postForms) to `path` with its hidden fields and `fields`. */
  post(step, port, path, form, fields) {
    return this.send(step, port, { method: "POST", path, headers: formPostHeaders(port, USER_AGENT), body: multipart([...form.hidden, ...fields]) });
  }
}

/** The POST form of a page whose button reads `button` (or that has every input in `inputs`). */
export function formOf(step, html, { button, inputs = [] }) {
  const form = postForms(html).find((f) => (!button || f.buttons.includes(button)) && inputs.every((i) => f.inputs.includes(i)));
  if (!form) throw new StepError(step, `no form${button ? ` with a "${button}" button` : ""} in the page (${pageMessage(html)})`);
  if (!form.hidden.some(([n]) => n.startsWith("$ACTION"))) throw new StepError(step, "the form has no server-action fields");
  return form;
}

export function expectStatus(step, res, status, location) {
  const loc = String(res.headers.location ?? "");
  if (res.status !== status || (location && !location.test(loc))) {
    throw new StepError(
      step,
      `status ${res.status}${loc ? ` to ${loc}` : ""}, expected ${status}${location ? ` to ${location}` : ""} (${pageMessage(res.body)})`,
    );
  }
}

/** The newest outbox message to `to` that `match`es, read through GET /api/dev/outbox. */
export async function outboxMessage(browser, step, port, to, match) {
  const res = await browser.send(step, port, { path: `/api/dev/outbox?to=${encodeURIComponent(to)}`, headers: { accept: "application/json" } });
  if (res.status !== 200) throw new StepError(step, `outbox answered ${res.status}`);
  const msg = JSON.parse(res.body).find(match);
  if (!msg) throw new StepError(step, `no matching message to ${to}`);
  return msg;
}

/**
 * A new visitor, start to finish, on `ports` (the step's instance is `ports[n % ports.length]`, so
 * consecutive steps move between instances and the flow only works if they share everything):
 * sign up, confirm by the emailed link, sign in with the password, set up email codes on the verify
 * page, note the recovery codes, reach the dashboard. Throws a StepError at the first surprise;
 * returns the signed-in browser.
 */
export async function newAccountFlow({ ports, email, name, password, timings, onResponse, offset = 0 }) {
  let n = offset;
  const at = () => ports[n++ % ports.length];
  const b = new Browser(timings, onResponse);

  let port = at();
  let page = await b.get("GET /signup", port, "/signup");
  expectStatus("GET /signup", page, 200);
  let res = await b.post("POST /signup", port, "/signup", formOf("GET /signup", page.body, { inputs: ["name", "email", "password"] }), [
    ["name", name],
    ["email", email],
    ["password", password],
  ]);
  expectStatus("POST /signup", res, 303, /\/signup\/check-email\?email=/);

  port = at();
  const confirmation = await outboxMessage(b, "outbox (confirmation)", port, email, (m) => /\/confirm\/email\?token=/.test(m.body));
  const link = /\/confirm\/email\?token=[^\s"<]+/.exec(confirmation.body)[0];
  if (!/\b\d{6}\b/.test(confirmation.subject ?? confirmation.body)) throw new StepError("outbox (confirmation)", "no 6-digit code in the message");
  page = await b.get("GET /confirm/email", port, link);
  expectStatus("GET /confirm/email", page, 200);
  res = await b.post("POST /confirm/email", port, link, formOf("GET /confirm/email", page.body, { button: "Confirm email" }), []);
  // A first confirmation is a first factor: with 2FA required it leads to the verify step.
  expectStatus("POST /confirm/email", res, 303, /\/login\/verify$|\/dashboard$|\/login\?confirmed=1$/);

  // Signs in later, in a fresh browser.
  const s = new Browser(timings, onResponse);
  port = at();
  page = await s.get("GET /login", port, "/login");
  expectStatus("GET /login", page, 200);
  res = await s.post("POST /login", port, "/login", formOf("GET /login", page.body, { inputs: ["identifier", "password"] }), [
    ["identifier", email],
    ["password", password],
  ]);
  expectStatus("POST /login", res, 303, /\/login\/verify$/);

  port = at();
  page = await s.get("GET /login/verify", port, "/login/verify");
  expectStatus("GET /login/verify", page, 200);
  if (!page.body.includes("Set up two-step verification")) throw new StepError("GET /login/verify", `not the set-up page (${pageMessage(page.body)})`);
  res = await s.post("POST send code", port, "/login/verify", formOf("GET /login/verify", page.body, { button: "Send code" }), []);
  expectStatus("POST send code", res, 200);
  if (!res.body.includes("We sent a code to")) throw new StepError("POST send code", `no confirmation in the page (${pageMessage(res.body)})`);
  const verifyForm = formOf("POST send code", res.body, { button: "Verify", inputs: ["code"] });

  port = at();
  const codeMail = await outboxMessage(s, "outbox (security code)", port, email, (m) => /security code/i.test(m.subject ?? ""));
  const code = /\b(\d{6})\b/.exec(codeMail.subject)[1];
  res = await s.post("POST verify", port, "/login/verify", verifyForm, [["code", code]]);
  expectStatus("POST verify", res, 303, /\/login\/verify$/);

  port = at();
  page = await s.get("GET recovery codes", port, "/login/verify");
  expectStatus("GET recovery codes", page, 200);
  if (!page.body.includes("Two-step verification is set up")) throw new StepError("GET recovery codes", `no recovery codes (${pageMessage(page.body)})`);
  res = await s.post("POST continue", port, "/login/verify", formOf("GET recovery codes", page.body, { button: "Continue" }), []);
  expectStatus("POST continue", res, 303, /\/dashboard$/);
  if (![...s.jar.keys()].some((k) => /latchkey\.session$/.test(k))) throw new StepError("POST continue", "no session cookie");

  port = at();
  page = await s.get("GET /dashboard", port, "/dashboard");
  expectStatus("GET /dashboard", page, 200);
  if (!page.body.includes("account-status")) throw new StepError("GET /dashboard", `200 without the dashboard (${pageMessage(page.body)})`);
  return s;
}

// ——— figures ———

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Resident set size in bytes of `pid` and all its descendants, from /proc. */
export function treeRss(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      // Field 4 (ppid) follows the command name in parentheses, which may contain spaces.
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let bytes = 0;
  for (const p of tree) {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (kb) bytes += Number(kb[1]) * 1024;
    } catch {
      // exited meanwhile
    }
  }
  return { bytes, processes: tree.size };
}
