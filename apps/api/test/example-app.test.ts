import { serveExampleApp } from "@tasks/example-app/serve";
import { CHROMIUM_FLAGS, describeWith, findChromium } from "@tasks/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

/**
 * examples/tasks-app, the small frontend on @tasks/client, in Chromium as a person uses
 * it: served by Vite's dev server on one localhost port, the API on another, in token mode
 * and in browser-session mode. Without Chromium the suite is skipped, except under CI=true.
 */
const testChromium = findChromium();

describeWith(testChromium)("the example app in Chromium", () => {
  let api: TestApi;
  let example: Awaited<ReturnType<typeof serveExampleApp>>;
  let browser: Browser;
  let appUrl: string;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = api.app.server.address() as { port: number };
    example = await serveExampleApp();
    appUrl = `${example.url}?api=http://localhost:${port}`;
    browser = await chromium.launch({
      executablePath: testChromium.available ? testChromium.executablePath : undefined,
      args: [...CHROMIUM_FLAGS],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await example?.close();
    await api?.close();
  });

  async function open(page: Page): Promise<void> {
    await page.goto(appUrl);
    await page.waitForSelector("body[data-ready]", { state: "attached" });
  }

  async function logIn(page: Page, username: string, mode: "token" | "session"): Promise<void> {
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", PASSWORD);
    await page.selectOption("select[name=mode]", mode);
    await page.click("#login button");
    await page.locator("#user", { hasText: username }).waitFor();
  }

  const pageLine = (page: Page, text: string) => page.locator("#page", { hasText: text }).waitFor();
  const titles = (page: Page) => page.locator("#list .title").allTextContents();

  /** Adds, pages through, marks done and deletes, through the page's forms and buttons. */
  async function useTheList(page: Page): Promise<void> {
    for (const number of [1, 2, 3, 4, 5, 6, 7]) {
      await page.fill("input[name=title]", `Task ${number}`);
      await page.click("#create button");
      await pageLine(page, `${number} tasks`);
    }
    await pageLine(page, "Page 1 of 2, 7 tasks");
    expect(await titles(page)).toEqual(["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"]);
    expect(await page.isDisabled("#previous")).toBe(true);

    await page.click("#next");
    await pageLine(page, "Page 2 of 2");
    expect(await titles(page)).toEqual(["Task 6", "Task 7"]);
    expect(await page.isDisabled("#next")).toBe(true);

    await page.click("#list li:first-child button:text('Done')");
    await page.locator("#list li:first-child .status", { hasText: "(done)" }).waitFor();
    await page.click("#list li:last-child button:text('Delete')");
    await pageLine(page, "Page 2 of 2, 6 tasks");
    expect(await titles(page)).toEqual(["Task 6"]);

    await page.click("#previous");
    await pageLine(page, "Page 1 of 2, 6 tasks");
    expect(await page.textContent("#error")).toBe("");
  }

  describe("in token mode", () => {
    it("logs in, adds, pages, marks done, deletes and logs out, revoking the login", async () => {
      const { username, user } = await api.signUp("example-token");
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await open(page);
        await logIn(page, username, "token");
        expect(await page.textContent("#mode")).toBe("token");
        await useTheList(page);
        const before = await api.database.sessions.listLive(user.id, new Date());
        await page.click("#logout");
        await page.locator("#login").waitFor();
        // The API login's own (signUp's) stays; the page's is revoked.
        expect((await api.database.sessions.listLive(user.id, new Date())).length).toBe(before.length - 1);
        // Tokens live in the page's memory only: no cookie was needed or kept.
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("sessionid");
      } finally {
        await context.close();
      }
    });

    it("shows the server's message for a wrong password", async () => {
      const { username } = await api.signUp("example-wrong");
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await open(page);
        await page.fill("input[name=username]", username);
        await page.fill("input[name=password]", "not the password");
        await page.selectOption("select[name=mode]", "token");
        await page.click("#login button");
        await page.locator("#error", { hasText: /./ }).waitFor();
        expect(await page.isVisible("#tasks")).toBe(false);
      } finally {
        await context.close();
      }
    });
  });

  describe("in browser-session mode", () => {
    it("logs in with the cookie, keeps the session over a reload, uses the list and logs out", async () => {
      const { username } = await api.signUp("example-session");
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await open(page);
        await logIn(page, username, "session");
        expect(await page.textContent("#mode")).toBe("session");
        const sessionCookie = (await context.cookies()).find((cookie) => cookie.name === "sessionid");
        expect(sessionCookie).toMatchObject({ httpOnly: true, domain: "localhost" });

        await open(page);
        await page.locator("#user", { hasText: username }).waitFor();
        await useTheList(page);

        await page.click("#logout");
        await page.locator("#login").waitFor();
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("sessionid");
        await open(page);
        expect(await page.isVisible("#tasks")).toBe(false);
      } finally {
        await context.close();
      }
    });
  });
});
