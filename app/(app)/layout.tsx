import { requireUser } from "@/lib/auth/guards";
import { SiteHeader } from "@/components/layout/site-header";
import { AccountBanners } from "@/components/layout/account-banners";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireUser();
  return (
    <>
      <SiteHeader user={user} />
      <AccountBanners user={user} />
      <main id="main" className="mx-auto max-w-5xl px-4 py-8">
        {children}
      </main>
    </>
  );
}
