import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/guards";

export default async function AdminHome() {
  await requireAdmin();
  redirect("/admin/accounts");
}
