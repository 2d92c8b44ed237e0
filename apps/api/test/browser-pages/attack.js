// A page on a site the API does not trust, trying to create a task as whoever is signed in
// to the API in the same browser. The target is the API's base URL in the query string.
const TARGET = `${new URL(location.href).searchParams.get("api")}/api/tasks/`;
const PLANTED = { title: "planted by another site" };

globalThis.attack = {
  // The classic: a form posted to the API, navigating the tab. A text/plain form can send
  // a body that looks like JSON: `{"title":"...","padding":"="}`.
  postForm: () => {
    const form = document.createElement("form");
    form.method = "POST";
    form.action = TARGET;
    form.enctype = "text/plain";
    const field = document.createElement("input");
    field.name = `${JSON.stringify(PLANTED).slice(0, -1)},"padding":"`;
    field.value = '"}';
    form.append(field);
    document.body.append(form);
    form.submit();
  },
  // A request that needs no preflight: it is sent, and its answer is kept from the page (an
  // opaque one, or a network error where a Cross-Origin-Resource-Policy withholds it).
  fetchBlind: async () => {
    try {
      await fetch(TARGET, {
        method: "POST",
        mode: "no-cors",
        credentials: "include",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify(PLANTED),
      });
      return "opaque";
    } catch (error) {
      return `refused: ${error.name}`;
    }
  },
  // A JSON request that would read the answer: it needs a preflight the API does not grant.
  fetchJson: async () => {
    try {
      const response = await fetch(TARGET, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(PLANTED),
      });
      return `answered ${response.status}`;
    } catch (error) {
      return `refused: ${error.name}`;
    }
  },
};
document.body.dataset.ready = "";
