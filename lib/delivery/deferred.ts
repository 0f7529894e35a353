import "server-only";
// Work that must not shape the answer: a message whose sending — its time or its failure — would
// tell a visitor whether an account exists (recovery, phone sign-in, resend-confirmation). Inside a
// request it runs after the response with Next's `after()` (which keeps a serverless function
// alive until it ends); elsewhere (scripts, tests) it starts at once. Failures are logged, and a
// failed delivery marks its channel as having trouble for everyone (see deliveryTrouble), so the
// pages can say so without saying anything about one account.
import { AsyncLocalStorage } from "node:async_hooks";
import { after } from "next/server";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { clear, hit, peek } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";

export type Channel = "email" | "sms";

// Kept on globalThis so that every copy of this module (tests load modules afresh) shares them.
const shared = globalThis as { __latchkeyDeliveries?: { pending: Set<Promise<void>>; scope: AsyncLocalStorage<Array<() => unknown>> } };
shared.__latchkeyDeliveries ??= { pending: new Set(), scope: new AsyncLocalStorage() };
const { pending, scope: afterScope } = shared.__latchkeyDeliveries;

/** Records the outcome of a delivery attempt: a failure marks the channel for 10 minutes, a success clears it. */
export async function noteDelivery(channel: Channel, ok: boolean) {
  if (ok) await clear(LIMITS.deliveryTrouble(channel));
  else await hit(LIMITS.deliveryTrouble(channel));
}

/** Whether the last delivery on this channel within 10 minutes failed. The same answer for every visitor. */
export async function deliveryTrouble(channel: Channel): Promise<boolean> {
  try {
    return (await peek(LIMITS.deliveryTrouble(channel))).count > 0;
  } catch {
    return false;
  }
}

async function run(label: string, channel: Channel, task: () => Promise<void>) {
  try {
    await task();
    await noteDelivery(channel, true).catch(() => {});
  } catch (err) {
    // Limits only an existing account could reach were already silent in the answer; nothing more to do.
    if (err instanceof UserError && (err.code === ErrorCodes.RESEND_COOLDOWN || err.code === ErrorCodes.RATE_LIMITED)) return;
    if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) await noteDelivery(channel, false).catch(() => {});
    console.error(`${label}: not delivered`, err instanceof Error ? err.message : err);
  }
}

/**
 * Delivers a message after the answer. `task` must clean up after its own failure (discard the code,
 * give the cooldown back) so that asking again works at once (O5).
 */
export function deliverLater(label: string, channel: Channel, task: () => Promise<void>) {
  let started: Promise<void> | undefined;
  const start = () => {
    started ??= run(label, channel, task).finally(() => pending.delete(started!));
    pending.add(started);
    return started;
  };
  const queue = afterScope.getStore();
  if (queue) {
    queue.push(start);
    return;
  }
  try {
    after(start);
  } catch {
    // Outside a request (a script or a test): no response to wait for.
    void start();
  }
}

/**
 * Outside Next's request scope (scripts, tests): runs `fn` and starts the deliveries it asked for
 * only once it has ended, as `after()` does for a response.
 */
export async function answerFirst<T>(fn: () => Promise<T>): Promise<T> {
  const queue: Array<() => unknown> = [];
  try {
    return await afterScope.run(queue, fn);
  } finally {
    for (const start of queue) start();
  }
}

/** Resolves once every delivery started so far has ended (tests, graceful shutdown). */
export async function deliveriesSettled() {
  while (pending.size) await Promise.allSettled([...pending]);
}
