import Link from "next/link";
import { BrandCard, primaryLink, secondaryLink } from "@/components/layout/brand-card";

// The public home page. Static: it reads no session, so it is served from the build.
export default function HomePage() {
  return (
    <BrandCard>
      <h1 className="text-2xl font-semibold">Your account for this site</h1>
      <p className="mt-3 text-sm text-slate-700">
        Latchkey keeps your account here: sign in with a password, a text message or a security key, keep it safe with two-step verification, and use it to sign
        in to the apps that trust this site.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link href="/login" className={primaryLink}>
          Sign in
        </Link>
        <Link href="/signup" className={secondaryLink}>
          Create account
        </Link>
      </div>
    </BrandCard>
  );
}
