/**
 * Required after `tsx/cjs` by the long proof runs (`npm run fuzz`, `npm run mutation`): turns off the source
 * maps tsx turns on (`process.setSourceMapsEnabled`, a Node API). The Pulumi SDK takes a stack trace of every
 * promise it makes (`debuggablePromise`), and mapping each frame back to its TypeScript source is a third of a
 * preview's time there. A failure's stack then names the transpiled lines; its message, and fast-check's seed
 * and path that replay it, are unchanged. Beside it, `--max-semi-space-size=64` (a V8 flag, set in the same runs'
 * configurations) gives the young generation room for a preview's short-lived objects: fewer collections.
 */
process.setSourceMapsEnabled(false);
