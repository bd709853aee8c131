import { Global, Module } from '@nestjs/common';
import { BatonConfig, loadConfig } from '../../../../libs/runtime/src';

export const BATON_CONFIG = Symbol('BATON_CONFIG');

/** The validated configuration, loaded once in main() and shared by injection. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BatonConfig = loadConfig()) {
    return { module: ConfigModule, providers: [{ provide: BATON_CONFIG, useValue: config }], exports: [BATON_CONFIG] };
  }
}
