/**
 * Text from config, state exports and remote responses (an app's `/version` body, a waiver's or an override's
 * reason, a resource's name) made inert in the terminal and in XML, as `src/markdown.ts` makes it inert in Markdown:
 * one escaper per format, applied to the text where the format is written.
 */

/**
 * `s` safe to print in a terminal: every control character (C0, DEL, C1: the ESC of colour codes and cursor moves,
 * a carriage return that overwrites a line) shown as its escape, `\u001b`, instead of acting. Line breaks stay
 * (tables wrap cells on them).
 */
export function terminalText(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * `s` with every character XML 1.0 forbids removed (C0 controls but tab, line feed and carriage return; U+FFFE,
 * U+FFFF; unpaired surrogates): the XML builder escapes markup, not these, and one of them makes the file invalid
 * (XML 1.0, "Characters").
 */
export function xmlText(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
  );
}

/** A JSON-like document with every string (keys excepted) passed through {@link xmlText}, for an XML builder. */
export function xmlSafe<T>(doc: T): T {
  if (typeof doc === "string") return xmlText(doc) as T;
  if (Array.isArray(doc)) return doc.map((x) => xmlSafe(x)) as T;
  if (doc && typeof doc === "object")
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, xmlSafe(v)])) as T;
  return doc;
}
