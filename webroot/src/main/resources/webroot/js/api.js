// REST client: JSON in and out, {error:{code,message}} -> ApiError, CSRF header on every change.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let unauthorizedHandler = () => {};

/** Called on any 401 from a request made with a session (not the login itself). */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

function errorFrom(status, body, fallback) {
  const err = body && typeof body === 'object' ? body.error : null;
  if (err && typeof err === 'object') {
    const { code, message, ...details } = err;
    return new ApiError(status, code, message, details);
  }
  return new ApiError(status, 'http_' + status, fallback || `Request failed (HTTP ${status})`);
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** request('POST', '/api/files/a.nc/checkout', { json: { message } }) -> parsed body. */
export async function request(method, path, { json, body, query, session = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-PDM-CSRF'] = '1';
  let payload = body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(withQuery(path, query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', 'Cannot reach the server');
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    data = type.includes('json') ? await res.json().catch(() => null) : await res.text().catch(() => '');
  }
  if (!res.ok) {
    const error = errorFrom(res.status, data, typeof data === 'string' ? data.slice(0, 200) : '');
    if (res.status === 401 && session) unauthorizedHandler(error);
    throw error;
  }
  return data;
}

const enc = encodeURIComponent;
const filePath = (f) => `/api/files/${enc(f)}`;

/**
 * Upload with progress: the file is the request body, the fields go in the query string, so the
 * server checks them (and the lock or the name) before it reads a byte. Returns { promise, abort };
 * onProgress gets 0..1. XMLHttpRequest because fetch has no upload progress.
 */
export function upload(path, { params, file }, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', `${path}?${new URLSearchParams(params)}`);
    xhr.setRequestHeader('X-PDM-CSRF', '1');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      const error = errorFrom(xhr.status, data);
      if (xhr.status === 401) unauthorizedHandler(error);
      reject(error);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Upload failed: cannot reach the server'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

/** The file name in a Content-Disposition header (filename*=UTF-8'' first), or null. */
export function dispositionName(header) {
  const text = String(header || '');
  const star = /filename\*=UTF-8''([^;]+)/i.exec(text);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch (e) {
      // Malformed: the plain name may still do.
    }
  }
  const plain = /filename="([^"]*)"/i.exec(text);
  return plain ? plain[1] : null;
}

/**
 * The current revisions of several files as one zip: { blob, filename }. A POST with the CSRF
 * header, so fetch rather than a link; errors come as ApiError like every other call.
 */
export async function downloadZip(filenames) {
  let res;
  try {
    res = await fetch('/api/files/download.zip', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/zip, application/json', 'X-PDM-CSRF': '1' },
      body: JSON.stringify({ filenames }),
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'Cannot reach the server');
  }
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const error = errorFrom(res.status, data);
    if (res.status === 401) unauthorizedHandler(error);
    throw error;
  }
  const blob = await res.blob();
  return { blob, filename: dispositionName(res.headers.get('Content-Disposition')) || 'ncvault-files.zip' };
}

export function contentUrl(filename, rev) {
  return withQuery(`${filePath(filename)}/content`, { rev });
}

export const api = {
  login: (username, password) => request('POST', '/api/auth/login', { json: { username, password }, session: false }),
  logout: () => request('POST', '/api/auth/logout', { json: {}, session: false }),
  me: () => request('GET', '/api/auth/me', { session: false }),
  settings: () => request('GET', '/api/settings'),
  /** { token, expiresAt }: opens live connections at the other nodes (the session cookie stays with this origin). Memory only. */
  liveToken: () => request('GET', '/api/auth/live-token'),

  files: (status) => request('GET', '/api/files', { query: { status } }),
  file: (f) => request('GET', filePath(f)),
  history: (f) => request('GET', `${filePath(f)}/history`),
  diff: (f, from, to) => request('GET', `${filePath(f)}/diff`, { query: { from, to } }),
  /** ProgramFacts of a revision (the current one without rev). */
  program: (f, rev) => request('GET', `${filePath(f)}/program`, { query: { rev } }),
  /** The toolpath SVG as text: { rev, view } or { from, to, view }. */
  toolpath: (f, query) => request('GET', `${filePath(f)}/toolpath.svg`, { query }),
  /** The list (groups) of files whose current revision passes a facts filter: { tool, minLengthX, ... }. */
  filesByFacts: (query) => request('GET', '/api/files', { query }),
  checkout: (f, message) => request('POST', `${filePath(f)}/checkout`, { json: message ? { message } : {} }),
  cancelCheckout: (f) => request('POST', `${filePath(f)}/cancel-checkout`, { json: {} }),
  override: (f, reason) => request('POST', `${filePath(f)}/override`, { json: { reason } }),
  remove: (f) => request('DELETE', filePath(f)),
  restore: (f) => request('POST', `${filePath(f)}/restore`, { json: {} }),
  /** A lifecycle transition: { to, comment, password } (the password only to release). */
  transition: (f, body) => request('POST', `${filePath(f)}/transition`, { json: body }),
  uploadNew: (upload_, onProgress) => upload('/api/files', upload_, onProgress),
  checkin: (f, upload_, onProgress) => upload(`${filePath(f)}/checkin`, upload_, onProgress),

  stats: () => request('GET', '/api/dashboard/stats'),
  activity: (query) => request('GET', '/api/dashboard/activity', { query }),

  watches: () => request('GET', '/api/watches'),
  watch: (f) => request('PUT', `/api/watches/${enc(f)}`),
  unwatch: (f) => request('DELETE', `/api/watches/${enc(f)}`),
  /** { notices, unread, more }: newest first; { limit, before } pages back. */
  notifications: (query) => request('GET', '/api/notifications', { query }),
  /** { ids: [..] } or { all: true } -> { unread }. */
  readNotifications: (which) => request('POST', '/api/notifications/read', { json: which }),

  users: () => request('GET', '/api/admin/users'),
  createUser: (username, password, role) => request('POST', '/api/admin/users', { json: { username, password, role } }),
  setRole: (u, role) => request('PATCH', `/api/admin/users/${enc(u)}`, { json: { role } }),
  resetPassword: (u, password) => request('POST', `/api/admin/users/${enc(u)}/password`, { json: { password } }),
  deleteUser: (u) => request('DELETE', `/api/admin/users/${enc(u)}`),
  sendMessage: (to, text) => request('POST', '/api/admin/messages', { json: { to, text } }),
  machines: () => request('GET', '/api/machines'),
  createMachine: (machine) => request('POST', '/api/machines', { json: machine }),
  deleteMachine: (m) => request('DELETE', `/api/machines/${enc(m)}`),
  fileMachines: (f) => request('GET', `${filePath(f)}/machines`),
  assignMachines: (f, machines) => request('PUT', `${filePath(f)}/machines`, { json: { machines } }),
  send: (m, filename) => request('POST', `/api/machines/${enc(m)}/send`, { json: { filename } }),
  transfers: (query) => request('GET', '/api/transfers', { query }),
  importQueue: (query) => request('GET', '/api/import-queue', { query }),
  importDiff: (id) => request('GET', `/api/import-queue/${enc(id)}/diff`),
  acceptImport: (id, message) => request('POST', `/api/import-queue/${enc(id)}/accept`, { json: { message } }),
  rejectImport: (id) => request('POST', `/api/import-queue/${enc(id)}/reject`, { json: {} }),
  downloadZip,
};
