// A frontend written for Django's session authentication (DRF's SessionAuthentication):
// the browser keeps the session cookie, and every unsafe request sends the csrftoken cookie
// back in the X-CSRFToken header, as axios does with `withCredentials: true`,
// `xsrfCookieName: "csrftoken"` and `xsrfHeaderName: "X-CSRFToken"`. Its only setting is
// the API's base URL, given here in the page's query string (`?api=http://localhost:8000`).
const API = new URL(location.href).searchParams.get("api");

function cookie(name) {
  const prefix = `${name}=`;
  const entry = document.cookie.split("; ").find((candidate) => candidate.startsWith(prefix));
  return entry === undefined ? null : decodeURIComponent(entry.slice(prefix.length));
}

async function request(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken") ?? "";
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    credentials: "include",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get("location"),
    body: text === "" ? null : JSON.parse(text),
  };
}

const app = {
  cookies: () => document.cookie,
  fetchCsrfCookie: () => request("GET", "/api/auth/csrf/"),
  logIn: (username, password) => request("POST", "/api/auth/session/", { username, password }),
  currentUser: () => request("GET", "/api/auth/session/"),
  logOut: () => request("DELETE", "/api/auth/session/"),
  listTasks: () => request("GET", "/api/tasks/"),
  createTask: (task) => request("POST", "/api/tasks/", task),
  updateTask: (id, changes) => request("PATCH", `/api/tasks/${id}/`, changes),
  deleteTask: (id) => request("DELETE", `/api/tasks/${id}/`),
};
globalThis.app = app;

// What such an app does when it starts: ask the API who is signed in.
const { status, body } = await app.currentUser();
const user = document.querySelector("#user");
user.textContent = status === 200 ? `Signed in as ${body.user.username}` : "Signed out";
document.body.dataset.ready = "";
