// The dashboard's entry: who is logged in, then the page the path names.
// Pages: / (pipeline), /query, /dashboards, /dashboards/{id}.
import "./style.css";
import { api, setCSRF } from "./api.js";
import { pipelinePage } from "./pipeline.js";
import { queryPage } from "./query.js";
import { dashboardsPage, dashboardPage } from "./dashboards.js";

export const state = { me: null };
let stopPage = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}
export { el };

export function navigate(path) {
  history.pushState(null, "", path);
  route();
}

function showNotice(text, cls) {
  const n = document.getElementById("notice");
  n.textContent = text;
  n.className = cls || "";
  n.hidden = !text;
}

function renderWho() {
  const who = document.getElementById("who");
  who.replaceChildren();
  const me = state.me;
  if (!me || !me.loggedIn) return;
  who.append(el("span", { class: "user" }, me.user, me.readOnly ? el("span", { class: "badge" }, "read-only") : null));
  if (me.authRequired) {
    who.append(
      el("button", {
        class: "link",
        id: "logout",
        onclick: async () => {
          await api("/api/logout", { method: "POST" });
          location.href = "/";
        },
      }, "log out"),
    );
  }
  if (!me.authRequired) showNotice("No users are configured: the dashboard and its API answer this machine only (loopback). Start the server with --user name:password to let others log in.", "info");
}

function loginPage(root) {
  const err = el("p", { class: "error", id: "loginerror" });
  const user = el("input", { id: "loginuser", name: "user", autocomplete: "username", required: true });
  const pw = el("input", { id: "loginpassword", name: "password", type: "password", autocomplete: "current-password" });
  const form = el("form", { class: "login", id: "login", method: "post" },
    el("h2", {}, "Log in"),
    el("label", {}, "User", user),
    el("label", {}, "Password", pw),
    el("button", { type: "submit" }, "Log in"), err);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      state.me = await api("/api/login", { method: "POST", body: { user: user.value, password: pw.value } });
      setCSRF(state.me.csrf);
      renderWho();
      route();
    } catch (e) {
      err.textContent = e.message;
    }
  });
  root.append(form);
}

async function route() {
  if (stopPage) stopPage();
  stopPage = null;
  const root = document.getElementById("page");
  root.replaceChildren();
  document.body.dataset.ready = "";
  const path = location.pathname;
  let page = "pipeline";
  if (path.startsWith("/query")) page = "query";
  else if (path.startsWith("/dashboards")) page = "dashboards";
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.page === page);
  if (!state.me.loggedIn) {
    loginPage(root);
    document.body.dataset.ready = "login";
    return;
  }
  const m = /^\/dashboards\/([^/]+)$/.exec(path);
  if (page === "query") stopPage = queryPage(root);
  else if (m) stopPage = dashboardPage(root, decodeURIComponent(m[1]));
  else if (page === "dashboards") stopPage = dashboardsPage(root);
  else stopPage = pipelinePage(root);
}

document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[href^='/']");
  if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || a.target || a.hasAttribute("download")) return;
  ev.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", route);

(async () => {
  try {
    state.me = await api("/api/me");
  } catch (e) {
    showNotice(e.message, "error");
    state.me = { loggedIn: false };
    document.body.dataset.ready = "error";
    return;
  }
  setCSRF(state.me.csrf);
  renderWho();
  route();
})();
