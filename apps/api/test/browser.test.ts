import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RefreshSession } from "@tasks/domain";
import { CHROMIUM_FLAGS, describeWith, findChromium, postgresAvailability } from "@tasks/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDependencies } from "../src/app.ts";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

/**
 * The API as browsers use it, in Debian's Chromium driven by Playwright: the real app on a
 * socket, and small pages (browser-pages/: plain HTML and a module script each) served from
 * another port, written like a frontend for Django's session authentication, one for
 * simplejwt's default paths, and a page that attacks from an origin the API does not trust.
 * Without Chromium the suite is skipped, except under CI=true, where that is a failure.
 */
const testChromium = findChromium();

// Host names that lead to this machine inside the browser only. `localhost` is the
// development setup: the frontend and the API on two ports of one host. `example.test` is a
// deployed one: the API at api.example.test trusts the frontend on another port of its host
// (CORS_ORIGINS) and no other origin, not even evil.example.test on the same site;
// attacker.test is another site altogether. (127.0.0.1 and *.localhost are other sites than
// localhost for Chromium, but the API trusts every local origin, so they cannot play the
// attacker. A frontend at app.example.test could not log in: the csrftoken cookie belongs to
// the API's host, and nothing like Django's CSRF_COOKIE_DOMAIN shares it with the site.)
const HOST_RESOLVER_RULES = "--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP attacker.test 127.0.0.1";

/** What a page script's call answers: the status, the `Location` header and the body. */
interface Answer<Body = ProblemOr<Record<string, unknown>>> {
  status: number;
  location: string | null;
  body: Body;
}
type ProblemOr<Body> = Body & { status?: number; detail?: string };

interface TaskBody {
  id: string;
  title: string;
  status: string;
}

interface TaskPage {
  count: number;
  results: TaskBody[];
}

interface TokenPair {
  access: string;
  refresh: string;
}

/** Runs `name` of the page script's `globalThis.app` in the page, with `args`, and answers what it answers. */
function callerIn(page: Page) {
  return <Result>(name: string, ...args: unknown[]): Promise<Result> =>
    page.evaluate(
      ({ name, args }) =>
        (globalThis as unknown as { app: Record<string, (...args: unknown[]) => unknown> }).app[name]?.(...args),
      { name, args },
    ) as Promise<Result>;
}

/** The Django-session frontend of browser-pages/session.js, driven from the test. */
function sessionApp(page: Page) {
  const call = callerIn(page);
  return {
    cookies: () => call<string>("cookies"),
    fetchCsrfCookie: () => call<Answer<null>>("fetchCsrfCookie"),
    logIn: (username: string, password: string) =>
      call<Answer<ProblemOr<{ user: { username: string } }>>>("logIn", username, password),
    currentUser: () => call<Answer<ProblemOr<{ user: { username: string } }>>>("currentUser"),
    logOut: () => call<Answer>("logOut"),
    listTasks: () => call<Answer<ProblemOr<TaskPage>>>("listTasks"),
    createTask: (task: { title: string }) => call<Answer<TaskBody>>("createTask", task),
    updateTask: (id: string, changes: Partial<TaskBody>) => call<Answer<TaskBody>>("updateTask", id, changes),
    deleteTask: (id: string) => call<Answer>("deleteTask", id),
  };
}

/** The simplejwt frontend of browser-pages/tokens.js, driven from the test. */
function tokensApp(page: Page) {
  const call = callerIn(page);
  return {
    tokens: () => call<TokenPair>("tokens"),
    logIn: (username: string, password: string) => call<Answer<TokenPair>>("logIn", username, password),
    refresh: () => call<Answer<TokenPair>>("refresh"),
    currentUser: () => call<Answer<ProblemOr<{ username: string }>>>("currentUser"),
  };
}

/** The value of cookie `name` in a `document.cookie` string. */
function cookieIn(documentCookie: string, name: string): string | undefined {
  const entry = documentCookie.split("; ").find((candidate) => candidate.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Goes to `url` and waits until its script has started (it marks the body `data-ready`). */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { state: "attached" });
}

/** Lets calls through, except while held: then each waits until `count` are waiting, and all go on at once. */
class Gate {
  #count = 0;
  #waiting: Array<() => void> = [];

  holdUntil(count: number): void {
    this.#count = count;
  }

  async pass(): Promise<void> {
    if (this.#count === 0) return;
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length < this.#count) return;
      for (const release of this.#waiting) release();
      this.#waiting = [];
      this.#count = 0;
    });
  }
}

/** The app's dependencies with every refresh passing `gate` before it runs. */
function refreshesThrough(gate: Gate, deps: AppDependencies): AppDependencies {
  const real = deps.useCases.refreshSession;
  const held: RefreshSession = Object.create(real);
  held.execute = async (input) => {
    await gate.pass();
    return real.execute(input);
  };
  return { ...deps, useCases: { ...deps.useCases, refreshSession: held } };
}

/** Serves the files of browser-pages/ (HTML and module scripts) on a port of 127.0.0.1, to any host name. */
async function servePages(): Promise<Server> {
  const folder = new URL("./browser-pages/", import.meta.url);
  const files = new Map<string, { type: string; content: Buffer }>();
  for (const name of await readdir(folder)) {
    const type = name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    files.set(`/${name}`, { type, content: await readFile(new URL(name, folder)) });
  }
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? "/", "http://pages").pathname);
    if (file === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": file.type }).end(file.content);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describeWith(testChromium)("in Chromium", () => {
  const refreshes = new Gate();
  let pages: Server;
  let api: TestApi;
  let browser: Browser;
  let pagesPort: number;
  let apiPort: number;

  beforeAll(async () => {
    pages = await servePages();
    pagesPort = portOf(pages);
    // PostgreSQL when there is one (always under CI), so that the concurrent refreshes
    // really run side by side in the database.
    api = await openTestApi((await postgresAvailability()).available ? "postgresql" : "pglite", {
      config: {
        corsOrigins: [`http://api.example.test:${pagesPort}`],
        allowedHosts: ["localhost", "api.example.test"],
      },
      adjust: (deps) => refreshesThrough(refreshes, deps),
    });
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    apiPort = portOf(api.app.server);
    browser = await chromium.launch({
      executablePath: testChromium.available ? testChromium.executablePath : undefined,
      args: [...CHROMIUM_FLAGS, HOST_RESOLVER_RULES],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  describe("a frontend written for Django's session authentication, on another localhost port", () => {
    let context: BrowserContext;
    let page: Page;
    let app: ReturnType<typeof sessionApp>;
    let username: string;
    let apiOrigin: string;

    beforeAll(async () => {
      apiOrigin = `http://localhost:${apiPort}`;
      ({ username } = await api.signUp("browser"));
      context = await browser.newContext();
      page = await context.newPage();
      app = sessionApp(page);
      await open(page, `http://localhost:${pagesPort}/session.html?api=${apiOrigin}`);
    });
    afterAll(async () => {
      await context?.close();
    });

    it("starts signed out, gets a CSRF cookie it can read, and logs in with the session", async () => {
      expect(await page.textContent("#user")).toBe("Signed out");
      expect(await app.fetchCsrfCookie()).toMatchObject({ status: 204 });
      const firstCsrfToken = cookieIn(await app.cookies(), "csrftoken");
      expect(firstCsrfToken).toMatch(/^[\w-]{43}$/);

      expect(await app.logIn(username, PASSWORD)).toMatchObject({ status: 200, body: { user: { username } } });
      // The session cookie never reaches the page's script; the CSRF token does, fresh from the login.
      const documentCookie = await app.cookies();
      expect(documentCookie).not.toContain("sessionid");
      const csrfToken = cookieIn(documentCookie, "csrftoken");
      expect(csrfToken).toMatch(/^[\w-]{43}$/);
      expect(csrfToken).not.toBe(firstCsrfToken);
      const cookies = await context.cookies(apiOrigin);
      expect(cookies.find((cookie) => cookie.name === "sessionid")).toMatchObject({
        domain: "localhost",
        path: "/",
        httpOnly: true,
        secure: false,
        sameSite: "Lax",
      });
      expect(cookies.find((cookie) => cookie.name === "csrftoken")).toMatchObject({
        value: csrfToken,
        path: "/",
        httpOnly: false,
        sameSite: "Lax",
      });
    });

    it("lists, creates, patches and deletes tasks with the cookie and the CSRF header", async () => {
      expect(await app.listTasks()).toMatchObject({ status: 200, body: { count: 0, results: [] } });
      const created = await app.createTask({ title: "Water the plants" });
      expect(created).toMatchObject({ status: 201, body: { title: "Water the plants", status: "todo" } });
      // Location is one of the headers CORS exposes to the page.
      expect(created.location).toBe(`/api/tasks/${created.body.id}/`);
      const patched = await app.updateTask(created.body.id, { status: "doing" });
      expect(patched).toMatchObject({ status: 200, body: { id: created.body.id, status: "doing" } });
      expect(await app.listTasks()).toMatchObject({ status: 200, body: { count: 1, results: [patched.body] } });
      expect(await app.deleteTask(created.body.id)).toMatchObject({ status: 204, body: null });
      expect(await app.listTasks()).toMatchObject({ status: 200, body: { count: 0 } });
    });

    it("is still signed in after a reload", async () => {
      await open(page, page.url());
      expect(await page.textContent("#user")).toBe(`Signed in as ${username}`);
    });

    it("logs out, and is refused afterwards, even with a copy of the old cookie", async () => {
      const sessionCookie = (await context.cookies(apiOrigin)).find((cookie) => cookie.name === "sessionid");
      expect(await app.logOut()).toMatchObject({ status: 204 });
      expect(await context.cookies(apiOrigin)).toEqual([]);
      expect(await app.currentUser()).toMatchObject({ status: 401, body: { status: 401 } });
      expect(await app.listTasks()).toMatchObject({ status: 401, body: { status: 401 } });

      // The login is over on the server, not only forgotten by the browser.
      if (sessionCookie === undefined) throw new Error("no session cookie before logging out");
      await context.addCookies([sessionCookie]);
      expect(await app.currentUser()).toMatchObject({ status: 401, body: { status: 401 } });
      await open(page, page.url());
      expect(await page.textContent("#user")).toBe("Signed out");
    });
  });

  describe("a page on an origin the API does not trust, while the user is signed in", () => {
    let context: BrowserContext;
    let victim: ReturnType<typeof sessionApp>;
    let apiOrigin: string;

    beforeAll(async () => {
      apiOrigin = `http://api.example.test:${apiPort}`;
      const { username } = await api.signUp("victim");
      context = await browser.newContext();
      const page = await context.newPage();
      victim = sessionApp(page);
      await open(page, `http://api.example.test:${pagesPort}/session.html?api=${apiOrigin}`);
      expect(await victim.fetchCsrfCookie()).toMatchObject({ status: 204 });
      expect(await victim.logIn(username, PASSWORD)).toMatchObject({ status: 200 });
      expect(await victim.createTask({ title: "Mine" })).toMatchObject({ status: 201 });
    });
    afterAll(async () => {
      await context?.close();
    });

    it.each([
      {
        attacker: "evil.example.test, another origin of the API's site: the cookie goes, and the CSRF check refuses",
        host: "evil.example.test",
        refused: { status: 403, detail: /^CSRF Failed: Origin checking failed/ },
      },
      {
        attacker: "attacker.test, another site: the SameSite=Lax cookie stays home",
        host: "attacker.test",
        refused: { status: 401, detail: /^Authentication credentials were not provided/ },
      },
    ])("$attacker", async ({ host, refused }) => {
      const tasksBefore = (await victim.listTasks()).body.count;
      const page = await context.newPage();
      const target = `${apiOrigin}/api/tasks/`;
      const postToTarget = () =>
        page.waitForResponse((response) => response.url() === target && response.request().method() === "POST");
      try {
        await open(page, `http://${host}:${pagesPort}/attack.html?api=${apiOrigin}`);
        const attack = (name: string) =>
          page.evaluate(
            (name) => (globalThis as unknown as { attack: Record<string, () => unknown> }).attack[name]?.(),
            name,
          );

        const [formAnswer] = await Promise.all([postToTarget(), attack("postForm")]);
        expect(formAnswer.status()).toBe(refused.status);
        expect(((await formAnswer.json()) as { detail: string }).detail).toMatch(refused.detail);

        // No preflight for this one: it is answered, and the answer is kept from the page by the
        // API's Cross-Origin-Resource-Policy.
        await open(page, `http://${host}:${pagesPort}/attack.html?api=${apiOrigin}`);
        const blocked = page.waitForEvent("requestfailed", (request) => request.url() === target);
        expect(await attack("fetchBlind")).toBe("refused: TypeError");
        expect((await blocked).failure()?.errorText).toBe("net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin");

        // Reading the answer needs CORS, which the API grants to trusted origins only.
        expect(await attack("fetchJson")).toBe("refused: TypeError");
      } finally {
        await page.close();
      }
      expect(await victim.listTasks()).toMatchObject({ status: 200, body: { count: tasksBefore } });
    });
  });

  describe("a frontend written for simplejwt's default paths, open in two tabs", () => {
    it("refreshes one refresh token from both tabs at once: both get the same pair and stay signed in", async () => {
      const { username } = await api.signUp("tabs");
      const url = `http://localhost:${pagesPort}/tokens.html?api=http://localhost:${apiPort}`;
      const context = await browser.newContext();
      try {
        const [first, second] = [await context.newPage(), await context.newPage()];
        await open(first, url);
        const login = await tokensApp(first).logIn(username, PASSWORD);
        expect(login).toMatchObject({ status: 200 });
        await open(second, url);
        expect(await tokensApp(second).tokens()).toEqual({ access: login.body.access, refresh: login.body.refresh });

        // Neither refresh runs until both have reached the server: then they go on together.
        refreshes.holdUntil(2);
        const [fromFirst, fromSecond] = await Promise.all([tokensApp(first).refresh(), tokensApp(second).refresh()]);
        expect(fromFirst).toMatchObject({ status: 200 });
        expect(fromSecond).toMatchObject({ status: 200 });
        expect(fromSecond.body.access).toBe(fromFirst.body.access);
        expect(fromSecond.body.refresh).toBe(fromFirst.body.refresh);
        expect(fromFirst.body.refresh).not.toBe(login.body.refresh);

        for (const page of [first, second]) {
          expect(await tokensApp(page).tokens()).toEqual({
            access: fromFirst.body.access,
            refresh: fromFirst.body.refresh,
          });
          expect(await tokensApp(page).currentUser()).toMatchObject({ status: 200, body: { username } });
        }
        // The login lives on: its new refresh token is good for the next rotation.
        expect(await tokensApp(first).refresh()).toMatchObject({ status: 200 });
      } finally {
        await context.close();
      }
    });
  });
});
