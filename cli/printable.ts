/**
 * Text that came from a receiver, made safe for a terminal: control characters
 * (escape sequences could rewrite the screen or fake hookgate's own output)
 * become visible \xNN escapes; newlines and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
