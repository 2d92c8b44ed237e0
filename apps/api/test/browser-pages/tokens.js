// A frontend written for djangorestframework-simplejwt's documented default paths: it logs
// in at /api/token/, keeps the pair in localStorage (shared by every tab of the site), sends
// the access token as a Bearer header, and trades the refresh token at /api/token/refresh/.
// Its only setting is the API's base URL, given here in the page's query string.
const API = new URL(location.href).searchParams.get("api");

async function request(method, path, { body, access } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (access !== undefined) headers.Authorization = `Bearer ${access}`;
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get("location"),
    body: text === "" ? null : JSON.parse(text),
  };
}

function keep(answer) {
  if (answer.status === 200) {
    localStorage.setItem("access", answer.body.access);
    localStorage.setItem("refresh", answer.body.refresh);
  }
  return answer;
}

const app = {
  tokens: () => ({ access: localStorage.getItem("access"), refresh: localStorage.getItem("refresh") }),
  logIn: async (username, password) => keep(await request("POST", "/api/token/", { body: { username, password } })),
  refresh: async () =>
    keep(await request("POST", "/api/token/refresh/", { body: { refresh: localStorage.getItem("refresh") } })),
  currentUser: () => request("GET", "/api/auth/me/", { access: localStorage.getItem("access") }),
};
globalThis.app = app;
document.body.dataset.ready = "";
