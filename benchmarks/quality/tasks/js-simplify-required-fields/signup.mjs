// Validating sign-up form submissions before they reach the database.

export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const MIN_PASSWORD = 10;

export function isBlank(value) {
  return typeof value !== "string" || value.trim() === "";
}

export function requiredErrors(form) {
  const errors = [];
  if (isBlank(form.name)) {
    errors.push("name is required");
  }
  if (isBlank(form.email)) {
    errors.push("email is required");
  }
  if (isBlank(form.password)) {
    errors.push("password is required");
  }
  if (isBlank(form.country)) {
    errors.push("country is required");
  }
  return errors;
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
