// What a username and a password must look like: the server's rules (storage UserRules), so the
// admin page can say what is wrong while the admin types. The server checks again. Pure.

const USERNAME = /^[a-z0-9_.-]{1,32}$/;
export const MIN_PASSWORD = 8;
/** bcrypt reads at most 72 bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;

/** null when the name is fine, else what is wrong with it. */
export function usernameProblem(name) {
  const text = String(name || '');
  if (!text) return 'Enter a username.';
  if (text.length > 32) return `A username is at most 32 characters (this one has ${text.length}).`;
  if (!USERNAME.test(text)) return "A username has only lower-case letters, digits, '_', '.' or '-'.";
  return null;
}

/** null when the password is fine, else what is wrong with it. */
export function passwordProblem(password) {
  const text = String(password || '');
  if (text.length < MIN_PASSWORD) {
    return `A password has at least ${MIN_PASSWORD} characters (${text.length} so far).`;
  }
  if (new TextEncoder().encode(text).length > MAX_PASSWORD_BYTES) return `A password has at most ${MAX_PASSWORD_BYTES} bytes.`;
  return null;
}
