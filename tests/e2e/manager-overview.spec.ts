// The Manager's home (/admin): accounts by status, sign-ins and failed sign-ins per day, SMS sent per
// day against the daily budget — pictures with their words and numbers beside them.
import { expect, test } from "./test";
import { adminContext, fillLogin, signUpAndConfirm } from "./helpers";

const todayLabel = () => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date());

test("the overview counts accounts and today's failed sign-ins, and draws them as described charts", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "overview");
  const admin = await adminContext(browser);
  const ap = await admin.newPage();
  try {
    await ap.goto("/admin");
    await expect(ap.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(ap.getByRole("navigation", { name: "Manager" }).getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
    const active = Number(await ap.getByTestId("count-active").textContent());
    expect(active).toBeGreaterThanOrEqual(2);

    const failedToday = async () => {
      // The numbers behind the chart, under "The numbers".
      const figure = ap.getByRole("figure", { name: "Sign-ins, last 14 days" });
      await figure.getByText("The numbers", { exact: true }).click();
      const row = figure.getByRole("table", { name: /^Sign-ins/ }).getByRole("row", { name: new RegExp(`^${todayLabel()} `) });
      return Number(await row.getByRole("cell").nth(1).textContent());
    };
    const before = await failedToday();
    // A wrong password is a failed sign-in of today.
    await page.context().clearCookies();
    await fillLogin(page, user.email, "not the password at all");
    await expect(page.getByText("The email, phone or password is not right.").first()).toBeVisible();
    await ap.reload();
    expect(await failedToday()).toBe(before + 1);

    // Each chart is an image named by its title and its one-line summary.
    await expect(ap.getByRole("img", { name: /Sign-ins, last 14 days .*failed sign-ins in the last 14 days/ })).toBeVisible();
    await expect(ap.getByRole("img", { name: /SMS sent, last 14 days .*daily budget of \d+/ })).toBeVisible();
  } finally {
    await admin.close();
  }
});
