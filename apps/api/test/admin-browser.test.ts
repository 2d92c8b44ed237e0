import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { User } from "@tasks/domain";
import { describeWith, findChromium } from "@tasks/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { aUser } from "./admin/support.ts";
import { launchChromium, logInToAdmin } from "./support/admin-chromium.ts";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

/**
 * The web admin (CONTRACT 5) in Debian's Chromium, driven by Playwright as a person uses
 * it: the real app on a socket and on a database, every step a click or a typed field.
 * A superuser made as `taskctl createsuperuser` makes one adds a user, sets their password,
 * adds, finds, changes and deletes their tasks and sees it all in Recent actions; that user
 * then logs in to the JSON API with the new password and finds what the admin left. The
 * pages carry no script, and the browser reports no error and no CSP violation on any of
 * them. Screenshots of two pages go to apps/api/test-results/ (git-ignored). Without
 * Chromium the suite is skipped, except under CI=true, where that is a failure.
 */
const testChromium = findChromium();

const SCREENSHOTS = fileURLToPath(new URL("../test-results/admin-browser/", import.meta.url));
const USERNAME = "maria";
const FIRST_PASSWORD = "copper kettle morning 12";
const NEW_PASSWORD = "plum orchard lantern 47";

/** What the page scripts below use of the DOM (the API's type checks have no DOM library). */
interface PageElement {
  textContent: string | null;
  getAttributeNames(): string[];
  hasAttribute(name: string): boolean;
}
interface PageDocument {
  body: PageElement & { dataset: Record<string, string | undefined>; append(child: PageElement): void };
  querySelectorAll(selector: string): PageElement[] & { length: number };
  createElement(name: string): PageElement;
}

/** The admin's pages as the browser got them: the Content-Security-Policy of each, by URL. */
type DocumentPolicies = Map<string, string | undefined>;

describeWith(testChromium)("the web admin in Chromium", () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let superuser: User;
  /** What the browser reported: console errors and warnings, uncaught page errors. */
  const reports: string[] = [];
  const policies: DocumentPolicies = new Map();

  beforeAll(async () => {
    api = await openTestApi("pglite");
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = api.app.server.address() as { port: number };
    origin = `http://127.0.0.1:${port}`;
    superuser = await aUser(api, { prefix: "admin", isStaff: true, isSuperuser: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await launchChromium(testChromium);
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    // A step that cannot happen fails in seconds, with what it was waiting for.
    page.setDefaultTimeout(5_000);
    page.on("console", (message) => {
      // Chromium asks every site for /favicon.ico, which the API does not have (nor does
      // Django's admin), and reports the 404 as a console error: not the admin's doing.
      if (message.location().url === `${origin}/favicon.ico`) return;
      if (message.type() === "error" || message.type() === "warning")
        reports.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => reports.push(`page error: ${error.message}`));
    page.on("response", (response) => {
      if (response.request().resourceType() === "document")
        policies.set(response.url(), response.headers()["content-security-policy"]);
    });
  });
  afterEach(() => {
    expect(reports.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** The titles in the change list's rows, top to bottom. */
  const listedTitles = () => page.locator("#result_list tbody .field-title").allTextContents();
  const message = () => page.locator(".messagelist li");
  const heading = () => page.getByRole("heading", { level: 1 });
  const recentActions = async () =>
    (await page.locator("#recent-actions-module li").allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());

  /**
   * The admin answers a form with errors with 400, which Chromium also reports as a console
   * error: takes that one report, and leaves any other for afterEach to refuse.
   */
  function expectFormRefusedAt(path: string): void {
    const refusal = `console error: Failed to load resource: the server responded with a status of 400 (Bad Request) (${origin}${path})`;
    expect(reports).toContain(refusal);
    reports.splice(reports.indexOf(refusal), 1);
  }

  /** Clicks a link or a button that leads to another page, and waits until that page has loaded. */
  async function follow(target: Locator): Promise<void> {
    await target.click();
    await page.waitForLoadState();
  }

  /** Writes a screenshot of the whole page to test-results/ and says where. */
  async function screenshot(name: string): Promise<void> {
    const path = `${SCREENSHOTS}${name}.png`;
    await page.screenshot({ path, fullPage: true });
    console.info(`screenshot: ${path}`);
  }

  /** No script element, no event handler attribute and no inline style on the page shown. */
  async function expectNoScriptOrInlineStyle(): Promise<void> {
    const found = await page.evaluate(() => {
      const { document } = globalThis as unknown as { document: PageDocument };
      const elements = [...document.querySelectorAll("*")];
      return {
        scripts: document.querySelectorAll("script").length,
        handlers: elements.flatMap((element) =>
          element.getAttributeNames().filter((name) => name.toLowerCase().startsWith("on")),
        ),
        styles: elements.filter((element) => element.hasAttribute("style")).length,
      };
    });
    expect(found).toEqual({ scripts: 0, handlers: [], styles: 0 });
  }

  it("logs a superuser in through the login form", async () => {
    await logInToAdmin(page, origin, superuser.username, PASSWORD);
    expect(page.url()).toBe(`${origin}/admin/`);
    await expect(page.locator("#user-tools").textContent()).resolves.toContain(`Welcome, ${superuser.username}.`);
    await expectNoScriptOrInlineStyle();
  });

  it("adds a user, with the password typed twice, and sets a new password through the link on their page", async () => {
    await follow(page.getByRole("link", { name: "Users", exact: true }));
    await expect(heading().textContent()).resolves.toBe("Select user to change");
    await follow(page.getByRole("link", { name: "Add user" }));
    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password:", { exact: true }).fill(FIRST_PASSWORD);
    await page.getByLabel("Password confirmation").fill(FIRST_PASSWORD);
    await follow(page.getByRole("button", { name: "Save" }));
    await expect(message().textContent()).resolves.toBe(
      `The user “${USERNAME}” was added successfully. You may edit it again below.`,
    );
    await expect(heading().textContent()).resolves.toBe("Change user");
    await expectNoScriptOrInlineStyle();

    await follow(page.getByRole("link", { name: "this form" }));
    await expect(heading().textContent()).resolves.toBe(`Change password: ${USERNAME}`);
    await page.getByLabel("Password:", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Password (again)").fill(NEW_PASSWORD);
    await follow(page.getByRole("button", { name: "Change password" }));
    await expect(message().textContent()).resolves.toBe("Password changed successfully.");
    await expect(heading().textContent()).resolves.toBe("Change user");
  });

  it("shows a blank title and an unknown owner next to their fields, keeping what was typed", async () => {
    await follow(page.getByRole("link", { name: "Home" }));
    await follow(page.getByRole("link", { name: "Tasks", exact: true }));
    await follow(page.getByRole("link", { name: "Add task" }));
    await page.getByLabel("Description").fill("Photos, the old passport and the form.");
    await page.getByLabel("Status").selectOption({ label: "Doing" });
    await page.getByLabel("Owner").fill("nobody_here");
    await follow(page.getByRole("button", { name: "Save" }));

    await expect(page.locator(".errornote").textContent()).resolves.toBe("Please correct the errors below.");
    expectFormRefusedAt("/admin/tasks/task/add/");
    const rowOf = (label: string) => page.locator(".form-row", { has: page.getByLabel(label) });
    await expect(rowOf("Title").locator(".errorlist").textContent()).resolves.toBe("This field may not be blank.");
    await expect(rowOf("Owner").locator(".errorlist").textContent()).resolves.toBe('No user named "nobody_here".');
    for (const label of ["Description", "Status"]) expect(await rowOf(label).locator(".errorlist").count()).toBe(0);
    await expect(page.getByLabel("Title").inputValue()).resolves.toBe("");
    await expect(page.getByLabel("Description").inputValue()).resolves.toBe("Photos, the old passport and the form.");
    await expect(page.getByLabel("Status").inputValue()).resolves.toBe("doing");
    await expect(page.getByLabel("Owner").inputValue()).resolves.toBe("nobody_here");
    await expectNoScriptOrInlineStyle();
    await screenshot("task-form-with-errors");
  });

  it("adds two tasks for the user, owner typed as a username", async () => {
    await page.getByLabel("Title").fill("Renew the passport");
    await page.getByLabel("Owner").fill(USERNAME);
    await follow(page.getByRole("button", { name: "Save" }));
    await expect(message().textContent()).resolves.toBe("The task “Renew the passport” was added successfully.");

    await follow(page.getByRole("link", { name: "Add task" }));
    await page.getByLabel("Title").fill("Buy milk");
    await page.getByLabel("Owner").fill(USERNAME);
    await follow(page.getByRole("button", { name: "Save" }));
    await expect(message().textContent()).resolves.toBe("The task “Buy milk” was added successfully.");
    await expect(heading().textContent()).resolves.toBe("Select task to change");
    expect((await listedTitles()).sort()).toEqual(["Buy milk", "Renew the passport"]);
    await expectNoScriptOrInlineStyle();
    await screenshot("task-change-list");

    // Laid out as Django's: the filter beside the list, at its right, and the "Select" column
    // heading there for screen readers only.
    const [list, filters, select] = await Promise.all(
      ["#changelist .changelist-form-container", "#changelist-filter", "#result_list thead .visually-hidden"].map(
        async (selector) => page.locator(selector).boundingBox(),
      ),
    );
    expect(filters?.x).toBeGreaterThanOrEqual((list?.x ?? 0) + (list?.width ?? 0));
    expect(Math.abs((filters?.y ?? 0) - (list?.y ?? 0))).toBeLessThan(1);
    expect(select?.width).toBeLessThanOrEqual(1);
  });

  it("filters the task list by status and searches it", async () => {
    const byStatus = page.locator("#changelist-filter details", { has: page.getByText("By status", { exact: true }) });
    await follow(byStatus.getByRole("link", { name: "Doing" }));
    expect(new URL(page.url()).searchParams.get("status")).toBe("doing");
    expect(await listedTitles()).toEqual(["Renew the passport"]);
    await expect(byStatus.locator("li.selected").textContent()).resolves.toBe("Doing");

    await follow(byStatus.getByRole("link", { name: "All" }));
    expect(await listedTitles()).toHaveLength(2);
    await page.getByRole("textbox", { name: "Search" }).fill("milk");
    await follow(page.getByRole("button", { name: "Search" }));
    expect(new URL(page.url()).searchParams.get("q")).toBe("milk");
    expect(await listedTitles()).toEqual(["Buy milk"]);
    await expect(page.locator("#changelist-search .small").textContent()).resolves.toBe("1 result (2 total)");
  });

  it("changes one task's status and deletes the other through its confirmation page", async () => {
    await follow(page.getByRole("link", { name: "2 total" }));
    await follow(page.locator("#result_list").getByRole("link", { name: "Renew the passport" }));
    await expect(heading().textContent()).resolves.toBe("Change task");
    await page.getByLabel("Status").selectOption({ label: "Done" });
    await follow(page.getByRole("button", { name: "Save" }));
    await expect(message().textContent()).resolves.toBe("The task “Renew the passport” was changed successfully.");
    const row = page.locator("#result_list tbody tr", { hasText: "Renew the passport" });
    await expect(row.locator("td.field-status").textContent()).resolves.toBe("Done");

    await follow(page.locator("#result_list").getByRole("link", { name: "Buy milk" }));
    await follow(page.getByRole("link", { name: "Delete", exact: true }));
    await expect(heading().textContent()).resolves.toBe("Are you sure?");
    await expect(page.locator("#content-main > p").first().textContent()).resolves.toContain("“Buy milk”");
    await expectNoScriptOrInlineStyle();
    // The way back is drawn as a button, and readable as one: white on the buttons' blue.
    const back = await page.getByRole("link", { name: "No, take me back" }).evaluate((link) => {
      const { getComputedStyle } = globalThis as unknown as {
        getComputedStyle(element: unknown): { color: string; backgroundColor: string };
      };
      const { color, backgroundColor } = getComputedStyle(link);
      return { color, backgroundColor };
    });
    expect(back).toEqual({ color: "rgb(255, 255, 255)", backgroundColor: "rgb(65, 118, 144)" });
    await follow(page.getByRole("button", { name: "Yes, I'm sure" }));
    await expect(message().textContent()).resolves.toBe("The task “Buy milk” was deleted successfully.");
    expect(await listedTitles()).toEqual(["Renew the passport"]);
  });

  it("lists all of it under Recent actions on the index, newest first", async () => {
    await follow(page.getByRole("link", { name: "Home" }));
    await expect(heading().textContent()).resolves.toBe("Site administration");
    expect(await recentActions()).toEqual([
      "Deleted: Buy milk Task",
      "Changed: Renew the passport Task",
      "Added: Buy milk Task",
      "Added: Renew the passport Task",
      "Changed: maria User",
      "Added: maria User",
    ]);
    // A deletion links to nothing; the other lines link to their object, as Django's do.
    const lines = page.locator("#recent-actions-module li");
    expect(await lines.first().getByRole("link").count()).toBe(0);
    expect(await lines.getByRole("link").count()).toBe(5);
  });

  it("lets the user log in to the JSON API with the password set in the admin, and shows them what is left", async () => {
    const logIn = (password: string) =>
      fetch(`${origin}/api/auth/login/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: USERNAME, password }),
      });
    expect((await logIn(FIRST_PASSWORD)).status).toBe(401);
    const login = await logIn(NEW_PASSWORD);
    expect(login.status).toBe(200);
    const { access } = (await login.json()) as { access: string };

    const tasks = await fetch(`${origin}/api/tasks/`, { headers: { authorization: `Bearer ${access}` } });
    expect(tasks.status).toBe(200);
    expect(await tasks.json()).toMatchObject({
      count: 1,
      results: [{ title: "Renew the passport", description: "Photos, the old passport and the form.", status: "done" }],
    });
  });

  it("served every page under a policy that allows no script, which the browser enforces", async () => {
    expect(policies.size).toBeGreaterThan(10);
    for (const [url, policy] of policies) {
      const directives = new Map(
        (policy ?? "").split(";").map((directive) => {
          const [name = "", ...sources] = directive.trim().split(/\s+/);
          return [name, sources] as const;
        }),
      );
      expect({ url, defaultSrc: directives.get("default-src") }).toEqual({ url, defaultSrc: ["'none'"] });
      // No script-src: scripts fall back to default-src 'none'.
      expect({ url, scriptSrc: directives.get("script-src") }).toEqual({ url, scriptSrc: undefined });
      expect(policy).not.toContain("unsafe-");
    }

    // An inline script added to the page does not run, and the browser reports the violation.
    const ran = await page.evaluate(() => {
      const { document } = globalThis as unknown as { document: PageDocument };
      const script = document.createElement("script");
      script.textContent = "document.body.dataset.ran = 'yes'";
      document.body.append(script);
      return document.body.dataset.ran === "yes";
    });
    expect(ran).toBe(false);
    await expect.poll(() => reports.length).toBe(1);
    expect(reports.splice(0)).toEqual([
      expect.stringMatching(/^console error: Executing inline script violates .*directive 'default-src 'none''/),
    ]);
  });
});
