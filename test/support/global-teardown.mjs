export default async function globalTeardown() {
  await globalThis.__BATON_STACK__?.stop();
}
