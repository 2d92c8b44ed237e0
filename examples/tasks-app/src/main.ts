// A small frontend on @tasks/client, plain TypeScript and the DOM: log in (with a browser
// session or with tokens), then list the tasks page by page, add, mark done and delete.
// The API is on the page's own host, port 3000, unless `?api=<origin>` says otherwise: a
// session's csrftoken cookie is readable only by pages of the API's host (any port).
import {
  ApiError,
  createSessionClient,
  createTokenClient,
  type Problem,
  type SessionClient,
  type Task,
  type TokenClient,
} from "@tasks/client";

const PAGE_SIZE = 5;
const baseUrl = new URL(location.href).searchParams.get("api") ?? `${location.protocol}//${location.hostname}:3000`;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const loginForm = element<HTMLFormElement>("login");
const tasksSection = element<HTMLElement>("tasks");
const createForm = element<HTMLFormElement>("create");
const list = element<HTMLUListElement>("list");
const errorLine = element<HTMLParagraphElement>("error");

let client: SessionClient | TokenClient | null = null;
let page = 1;

function showError(problem: Problem | unknown): void {
  errorLine.textContent =
    problem instanceof ApiError ? problem.message : ((problem as Problem | undefined)?.detail ?? String(problem));
}

function signedIn(username: string, mode: string): void {
  element("user").textContent = username;
  element("mode").textContent = mode;
  loginForm.hidden = true;
  tasksSection.hidden = false;
  errorLine.textContent = "";
}

function signedOut(): void {
  client = null;
  loginForm.hidden = false;
  tasksSection.hidden = true;
  list.replaceChildren();
}

function taskItem(task: Task): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.id = task.id;
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = task.title;
  const status = document.createElement("span");
  status.className = "status";
  status.textContent = ` (${task.status}) `;
  const done = document.createElement("button");
  done.type = "button";
  done.textContent = "Done";
  done.disabled = task.status === "done";
  done.addEventListener("click", () => void markDone(task.id));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "Delete";
  remove.addEventListener("click", () => void deleteTask(task.id));
  item.append(title, status, done, remove);
  return item;
}

async function showPage(wanted: number): Promise<void> {
  const { data, error } = await signedInClient().api.GET("/api/tasks/", {
    params: { query: { page: wanted, page_size: PAGE_SIZE, ordering: "created_at" } },
  });
  if (error) return showError(error);
  page = wanted;
  list.replaceChildren(...data.results.map(taskItem));
  element("page").textContent =
    `Page ${page} of ${Math.max(1, Math.ceil(data.count / PAGE_SIZE))}, ${data.count} tasks`;
  element<HTMLButtonElement>("previous").disabled = data.previous === null;
  element<HTMLButtonElement>("next").disabled = data.next === null;
  document.body.dataset.page = String(page);
}

/** The client of the login in progress: the buttons that call this exist only while signed in. */
function signedInClient(): SessionClient | TokenClient {
  if (client === null) throw new Error("not signed in");
  return client;
}

async function markDone(id: string): Promise<void> {
  const { error } = await signedInClient().api.PATCH("/api/tasks/{id}/", {
    params: { path: { id } },
    body: { status: "done" },
  });
  if (error) return showError(error);
  await showPage(page);
}

async function deleteTask(id: string): Promise<void> {
  const { error } = await signedInClient().api.DELETE("/api/tasks/{id}/", { params: { path: { id } } });
  if (error) return showError(error);
  // Deleting the last task of the last page moves back a page.
  await showPage(list.children.length === 1 && page > 1 ? page - 1 : page);
}

loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(loginForm);
  const mode = String(form.get("mode"));
  const next =
    mode === "token" ? createTokenClient({ baseUrl, onLoggedOut: signedOut }) : createSessionClient({ baseUrl });
  try {
    const user = await next.logIn(String(form.get("username")), String(form.get("password")));
    client = next;
    signedIn(user.username, mode);
    await showPage(1);
  } catch (error) {
    showError(error);
  }
});

createForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const title = String(new FormData(createForm).get("title"));
  const { error } = await signedInClient().api.POST("/api/tasks/", { body: { title } });
  if (error) return showError(error);
  createForm.reset();
  await showPage(page);
});

element("previous").addEventListener("click", () => void showPage(page - 1));
element("next").addEventListener("click", () => void showPage(page + 1));
element("logout").addEventListener("click", async () => {
  await client?.logOut();
  signedOut();
});

// A browser session outlives a reload: pick it up when there is one.
const session = createSessionClient({ baseUrl });
const user = await session.currentUser().catch(() => null);
if (user !== null) {
  client = session;
  signedIn(user.username, "session");
  await showPage(1);
}
document.body.dataset.ready = "";
