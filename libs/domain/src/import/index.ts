export * from './csv';
export * from './native-format';
export * from './mapping';
export * from './lifecycle';
