// Validating sign-up form submissions before they reach the database.

export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const MIN_PASSWORD = 10;

export function isBlank(value) {
  return typeof value !== "string" || value.trim() === "";
}

export function requiredErrors(form) {
  return ["name", "email", "password", "country"]
    .filter((field) => isBlank(form[field]))
    .map((field) => `${field} is required`);
}

export function formatErrors(form) {
  const errors = [];
  if (!isBlank(form.email) && !EMAIL.test(form.email.trim())) {
    errors.push("email is not valid");
  }
  if (!isBlank(form.password) && form.password.length < MIN_PASSWORD) {
    errors.push(`password needs at least ${MIN_PASSWORD} characters`);
  }
  return errors;
}

export function validateSignup(form) {
  const errors = [...requiredErrors(form), ...formatErrors(form)];
  return { ok: errors.length === 0, errors };
}
