import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, kept on the GraphQL context so that a list of N leads resolves
 * each nested field with one query instead of N.
 */
export function loaderFor<K, V>(ctx: { loaders?: Map<string, DataLoader<unknown, unknown>> }, name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  ctx.loaders ??= new Map();
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch);
    ctx.loaders.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}
