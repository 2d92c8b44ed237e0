import { fileURLToPath } from "node:url";
import { CreateUser, Task } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import { findChromium } from "@tasks/testing";
import { launchChromium, logInToAdmin } from "../test/support/admin-chromium.ts";
import { openTestApi, PASSWORD } from "../test/support/test-api.ts";

/**
 * Draws docs/admin-task-list.png, the root README's picture of the web admin: the task
 * change list with its filter sidebar, over a few users' tasks, in Debian's Chromium at
 * 1200x700. The app runs on an in-memory database, on a socket, as in the browser tests.
 *
 *     pnpm --filter @tasks/api screenshot:admin [path]
 */
const OUTPUT = process.argv[2] ?? fileURLToPath(new URL("../../../docs/admin-task-list.png", import.meta.url));
// The dates the list shows are fixed; only the ids (UUIDv7, from the clock) change from one picture to the next.
const NOW = Date.parse("2026-03-02T09:30:00Z");
const TASKS: readonly { owner: string; title: string; status: string; description?: string; minutesAgo: number }[] = [
  { owner: "alice", title: "Renew the passport", status: "doing", minutesAgo: 4300 },
  { owner: "alice", title: "Book the dentist", status: "todo", minutesAgo: 2900 },
  { owner: "alice", title: "Pay the electricity bill", status: "done", minutesAgo: 1500 },
  { owner: "bob", title: "Write the quarterly report", status: "doing", minutesAgo: 1380 },
  { owner: "bob", title: "Review Carol's pull request", status: "todo", minutesAgo: 600 },
  { owner: "carol", title: "Migrate the wiki", status: "todo", minutesAgo: 300 },
  { owner: "carol", title: "Order new laptops", status: "done", minutesAgo: 95 },
];

const chromium = findChromium();
if (!chromium.available) throw new Error(`no Chromium to draw with: ${chromium.reason}`);

const api = await openTestApi("pglite");
try {
  const ids = new UuidV7IdGenerator();
  const createUser = new CreateUser({ users: api.database.users, hasher: api.hasher, clock: api.clock, ids });
  await createUser.execute({ username: "admin", password: PASSWORD, isStaff: true, isSuperuser: true });
  const owners = new Map<string, string>();
  for (const username of new Set(TASKS.map((task) => task.owner)))
    owners.set(username, (await createUser.execute({ username, password: PASSWORD })).id);
  for (const { owner, minutesAgo, ...fields } of TASKS) {
    const now = new Date(NOW - minutesAgo * 60_000);
    await api.database.tasks.add(Task.create({ id: ids.newId(), ownerId: owners.get(owner) ?? "", ...fields, now }));
  }

  await api.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = api.app.server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await logInToAdmin(page, origin, "admin", PASSWORD);
    await page.goto(`${origin}/admin/tasks/task/`);
    await page.screenshot({ path: OUTPUT });
    console.info(`screenshot: ${OUTPUT}`);
  } finally {
    await browser.close();
  }
} finally {
  await api.close();
}
