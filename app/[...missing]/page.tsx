import { notFound } from "next/navigation";
import { connection } from "next/server";

// Every path no route owns: the 404 page rendered on request (with the response's CSP nonce), not
// the prerendered one, whose scripts would carry none.
export default async function Missing(): Promise<never> {
  await connection();
  notFound();
}
