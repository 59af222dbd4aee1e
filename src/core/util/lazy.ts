/**
 * A module loaded on first use. yaml and simple-git each cost tens of milliseconds to load; the extension
 * must activate in a few, so they load when outcomes.yaml is first parsed or git first runs.
 */
export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
