// What guards look for in a text: numbers, links, e-mail addresses, phone numbers, markup.

/** Every run of digits, leading zeros dropped ("05.07.2015" → 5, 7, 2015). */
export function numbersIn(text: string): Set<string> {
  return new Set((text.match(/\d+/g) ?? []).map((digits) => digits.replace(/^0+(?=\d)/, "")));
}

const URL_PATTERN =
  /\b(?:https?:\/\/|www\.)[^\s<>"'()\]]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|biz|io|ly|co|me|de|at|ch|eu|uk|my|sg|us|fr|es|it|nl|pt|be|pl|ru|app|dog|pet|pets)\b(?:\/[^\s<>"'()\]]*)?/gi;
const EMAIL_PATTERN = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// Seven or more digits, possibly grouped by spaces, dots, dashes, slashes or brackets.
const PHONE_PATTERN = /(?:\+|\b)\d(?:[\s./()-]{0,3}\d){6,}/g;

/** Links, without e-mail addresses, normalised for comparison (no scheme, no "www.", lower case). */
export function urlsIn(text: string): string[] {
  const withoutEmails = text.replace(EMAIL_PATTERN, " ");
  return (withoutEmails.match(URL_PATTERN) ?? []).map(normalizeUrl);
}

export function normalizeUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[.,;:!?/]+$/, "");
}

export function emailsIn(text: string): string[] {
  return (text.match(EMAIL_PATTERN) ?? []).map((email) => email.toLowerCase().replace(/\.+$/, ""));
}

/** Phone numbers as bare digit strings. */
export function phonesIn(text: string): string[] {
  return (text.match(PHONE_PATTERN) ?? []).map((phone) => phone.replace(/\D/g, ""));
}

export function containsHtml(text: string): boolean {
  return (
    /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/i.test(text) ||
    /&(?:#\d+|#x[\da-f]+|[a-z]{2,8});/i.test(text)
  );
}
