// The way back to the list of apps, above each of its sub-pages.
import Link from "next/link";

export function BackToApps() {
  return (
    <p className="text-sm">
      <Link href="/admin/clients" className="text-brand-600 underline">
        ← Apps
      </Link>
    </p>
  );
}
