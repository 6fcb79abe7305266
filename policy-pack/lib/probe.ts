/**
 * What a container health check probes (CC-RUN-02; ECS `healthCheck.command`): the URL path of a command whose
 * whole form is a known HTTP probe, and nothing for anything else. A command only counts when probing is all it
 * does: `exit 0 # http://localhost/healthz` names the path but always succeeds, so it is no probe.
 *
 * Recognised forms (the URL on loopback, `http(s)://localhost|127.0.0.1[:PORT]/PATH[?QUERY]`):
 * - `["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('URL', timeout=N)"]` (the program's
 *   default: Python images carry no curl);
 * - curl with `-f` (fails on an HTTP error; `-s`, `-S`, `-L`, `--max-time N` allowed) and the URL;
 * - wget with `-q`, `-qO-`, `-q -O -` or `-q --spider` (`-T N` allowed) and the URL;
 * either as `["CMD", ...]` arguments or as a `["CMD-SHELL", "... [|| exit 1]"]` line.
 */

const URL = String.raw`https?://(?:localhost|127\.0\.0\.1)(?::\d{1,5})?(/[A-Za-z0-9._~/-]*)(?:\?[A-Za-z0-9=&._~-]*)?`;
const CURL = String.raw`curl -f[sSL]*(?: --max-time \d+)?`;
const WGET = String.raw`wget (?:-q|-qO-|-q -O -|-q --spider|--spider -q)(?: -T \d+)?`;
const SHELL_PROBE = new RegExp(String.raw`^(?:${CURL}|${WGET}) ${URL}(?: \|\| exit 1)?$`);
const ARGV_PROBE = new RegExp(String.raw`^(?:${CURL}|${WGET}) ${URL}$`);
const PYTHON_PROBE = new RegExp(
  String.raw`^import urllib\.request; urllib\.request\.urlopen\('${URL}'(?:, timeout=\d+)?\)$`,
);

/** The path a health-check command probes, or undefined when the command is not a recognised probe. */
export function probedPath(command: readonly string[]): string | undefined {
  const [kind, ...rest] = command;
  if (kind === "CMD-SHELL" && rest.length === 1) {
    // Nothing the shell would act on besides the final `|| exit 1`: `&` backgrounds the probe, `;` and `|` chain.
    const line = rest[0].trim();
    if (/[&;|$`<>()\\\n]/.test(line.replace(/ \|\| exit 1$/, ""))) return undefined;
    return SHELL_PROBE.exec(line)?.[1];
  }
  if (kind !== "CMD") return undefined;
  if (rest[0] === "python3" && rest.length === 3 && rest[1] === "-c") return PYTHON_PROBE.exec(rest[2])?.[1];
  return ARGV_PROBE.exec(rest.join(" "))?.[1];
}
