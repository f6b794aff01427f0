// The pages are clients of the public API, exactly as a third-party console would be: REST and GraphQL
// with the signed-in user's bearer token, kept in sessionStorage (never localStorage) for this tab only.
const TOKEN_KEY = 'tongban.token';

/** A problem+json answer (RFC 9457): title, detail, code and every violation with its JSON pointer. */
export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code;
    this.violations = problem.violations || [];
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * Calls the REST API; resolves to the parsed JSON (or text, or null for 204), rejects with ApiProblem. Cookies are
 * neither sent nor kept, except with {@code cookies: true}: the sign-in page's calls, whose answer sets the OpenID
 * Connect provider's sign-in session cookie (docs/oidc.md#the-sign-in-session).
 */
export async function api(method, path, { body, idempotencyKey, form, accept, language, cookies } = {}) {
  // Answers (and problem texts) in the page's language, or the one a form is being filled in: Chinese by default.
  const headers = { Accept: accept || 'application/json', 'Accept-Language': language || document.documentElement.lang || 'zh-CN' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let payload;
  if (form) {
    payload = form;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: cookies ? 'same-origin' : 'omit' });
  } catch (e) {
    throw new ApiProblem(0, { title: '网络连接失败', detail: '无法连接服务器，请检查网络后重试。' });
  }
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    const problem = type.includes('json') ? await res.json() : { title: `HTTP ${res.status}` };
    if (res.status === 401 && token) window.dispatchEvent(new CustomEvent('tongban:signed-out'));
    throw new ApiProblem(res.status, problem);
  }
  if (res.status === 204) return null;
  if (type.includes('json')) return res.json();
  if (type.startsWith('text/')) return res.text();
  return res.blob();
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, options = {}) => api('PUT', path, { ...options, body });

/** A GraphQL operation over HTTP; errors come back as an ApiProblem built from the first error's extensions. */
export async function graphql(query, variables = {}) {
  const result = await post('/graphql', { query, variables });
  if (result.errors && result.errors.length) {
    const first = result.errors[0];
    throw new ApiProblem(first.extensions?.status || 400, { ...first.extensions, detail: first.message });
  }
  return result.data;
}

/** Signs in with a password (staff and citizens alike); the token stays in this tab. */
export async function signIn(username, password) {
  const token = await post('/api/v1/auth/token', { grant_type: 'password', username, password });
  session.set(token.access_token);
  return me();
}

/** The signed-in user's profile (GET /api/v1/me). */
export const me = () => get('/api/v1/me');

/** Revokes the token on the server, then forgets it here. */
export async function signOut() {
  try {
    if (session.token()) await post('/api/v1/auth/logout');
  } finally {
    session.clear();
  }
}

/** A fresh Idempotency-Key for one user action (a retry of the same action sends the same key). */
export const newKey = () => crypto.randomUUID();
