/**
 * Applies defaults written once: `{ ...defaults, ...args }`, except that a field given as `undefined`
 * keeps its default (TypeScript optional fields are often passed through as undefined).
 */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A): D & A {
  const given = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  return { ...defaults, ...given } as D & A;
}
