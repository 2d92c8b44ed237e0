import type { AddressInfo } from "node:net";
import { CHROMIUM_FLAGS, describeWith, findChromium } from "@tasks/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestApi, PASSWORD, type TestApi } from "../support/test-api.ts";
import { aUser } from "./support.ts";

/**
 * The web admin in Debian's Chromium: a person logs in through the form, lands on the
 * index and logs out, with no script on any page, and the browser enforcing the admin's
 * content security policy finds nothing to block (the stylesheet applies, no violation).
 */
const testChromium = findChromium();

describeWith(testChromium)("web admin in Chromium", () => {
  let api: TestApi;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    origin = `http://localhost:${(api.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: testChromium.available ? testChromium.executablePath : undefined,
      args: [...CHROMIUM_FLAGS],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** What the browser reports against the page's content security policy. */
  function violationsOf(page: Page): string[] {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    return violations;
  }

  it("logs a staff user in through the form, shows the index styled by the stylesheet, and logs out", async () => {
    const user = await aUser(api, { prefix: "chromium", isStaff: true });
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const violations = violationsOf(page);

      await page.goto(`${origin}/admin/`);
      expect(new URL(page.url()).pathname).toBe("/admin/login/");
      await page.getByLabel("Username:").fill(user.username);
      await page.getByLabel("Password:").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();

      expect(new URL(page.url()).pathname).toBe("/admin/");
      expect(await page.locator("h1").textContent()).toBe("Site administration");
      expect(await page.locator("#user-tools strong").textContent()).toBe(user.username);
      // The stylesheet applied: the header bar is dark, as only admin.css makes it.
      const background = await page
        .locator("#header")
        .evaluate(
          (header) =>
            (
              globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }
            ).getComputedStyle(header).backgroundColor,
        );
      expect(background).toBe("rgb(38, 75, 93)");
      const cookies = await context.cookies(origin);
      expect(cookies.find((cookie) => cookie.name === "sessionid")).toMatchObject({ httpOnly: true, sameSite: "Lax" });

      await page.getByRole("button", { name: "Log out" }).click();
      expect(await page.locator("h1").textContent()).toBe("Logged out");
      expect((await context.cookies(origin)).map((cookie) => cookie.name)).not.toContain("sessionid");
      await page.getByRole("link", { name: "Log in again" }).click();
      expect(new URL(page.url()).pathname).toBe("/admin/login/");
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows a wrong login Django's message on the login page, and stays signed out", async () => {
    const user = await aUser(api, { prefix: "ordinary" });
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/admin/login/`);
      await page.getByLabel("Username:").fill(user.username);
      await page.getByLabel("Password:").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();

      expect(await page.locator(".errornote").textContent()).toBe(
        "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.",
      );
      expect((await context.cookies(origin)).map((cookie) => cookie.name)).not.toContain("sessionid");
    } finally {
      await context.close();
    }
  });
});
