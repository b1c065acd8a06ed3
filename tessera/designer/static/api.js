// Calls of the REST API from a page: the session cookie goes by itself; writes add the
// CSRF token the login set in the tessera_csrf cookie, and every call asks for the page's language.

const CSRF_COOKIE = "tessera_csrf";

export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return "";
}

export async function api(method, url, body, headers = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { "Accept": "application/json", "Accept-Language": document.documentElement.lang || "en", ...headers },
  };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, ok: response.ok, data };
}
