import { requireUser } from "@/lib/auth/guards";
import { SiteHeader } from "@/components/layout/site-header";
import { AccountBanners } from "@/components/layout/account-banners";
import { container } from "@/components/layout/container";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireUser();
  return (
    <>
      <SiteHeader user={user} />
      <AccountBanners user={user} />
      <main id="main" className={`${container} py-8`}>
        {children}
      </main>
    </>
  );
}
