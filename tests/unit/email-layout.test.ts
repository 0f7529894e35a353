// The one email layout: the site's name and address from the settings, the HTML escaped, the text
// part beside the HTML carrying the same words and the same link.
import { describe, expect, it } from "vitest";
import { renderEmail } from "@/lib/delivery/email/layout";

const site = { name: "Acme <Accounts>", baseUrl: "https://id.acme.test" };

describe("renderEmail", () => {
  const m = renderEmail(site, {
    subject: "Reset your Acme password: 123456",
    title: "Reset your password",
    paragraphs: ["Your password reset code is 123456.", "If you did not ask, ignore this & carry on."],
    code: "123456",
    action: { label: "Choose a new password", url: "https://id.acme.test/recover/reset?token=a&b" },
  });

  it("puts the site's name and address in the header and footer, escaped", () => {
    expect(m.html).toContain("Acme &lt;Accounts&gt;");
    expect(m.html).not.toContain("Acme <Accounts>");
    expect(m.html).toContain('href="https://id.acme.test/"');
    expect(m.text.trim().split("\n").at(-1)).toBe("Acme <Accounts> · https://id.acme.test/");
  });

  it("shows the code, the button and the address, escaped in HTML and plain in text", () => {
    expect(m.html).toContain(">123456</span>");
    expect(m.html).toContain('href="https://id.acme.test/recover/reset?token=a&amp;b"');
    expect(m.html).toContain("ignore this &amp; carry on.");
    expect(m.text).toContain("Choose a new password: https://id.acme.test/recover/reset?token=a&b");
    expect(m.text.startsWith("Reset your password\n\nYour password reset code is 123456.\n")).toBe(true);
  });

  it("keeps the subject as given", () => {
    expect(m.subject).toBe("Reset your Acme password: 123456");
  });
});
