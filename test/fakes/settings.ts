import { ConflictError } from '../../lambdas/core/errors';
import type { SecretName, SecretStore, SettingsRepository } from '../../lambdas/core/ports';
import type { Settings } from '../../lambdas/core/types';
import { CallLog } from './calls';

/** SettingsRepository in memory: one record, written only if the stored version is the expected one. */
export class InMemorySettingsRepository implements SettingsRepository {
  readonly calls = new CallLog<keyof SettingsRepository>();
  private stored: Settings | undefined;

  constructor(initial?: Settings) {
    this.stored = initial === undefined ? undefined : structuredClone(initial);
  }

  async get(): Promise<Settings | undefined> {
    this.calls.hit('get');
    return this.stored === undefined ? undefined : structuredClone(this.stored);
  }

  async put(settings: Settings, expectedVersion: number): Promise<void> {
    this.calls.hit('put');
    const current = this.stored?.version ?? 0;
    if (current !== expectedVersion) {
      throw new ConflictError('The settings were changed by someone else; reload them and try again.');
    }
    this.stored = structuredClone(settings);
  }

  /** Test seeding: replaces the record unconditionally (undefined: as if never saved). */
  seed(settings: Settings | undefined): void {
    this.stored = settings === undefined ? undefined : structuredClone(settings);
  }
}

/** SecretStore in memory (the notification secrets by name). */
export class InMemorySecretStore implements SecretStore {
  readonly calls = new CallLog<keyof SecretStore>();
  private readonly values = new Map<SecretName, string>();

  async getSecret(name: SecretName): Promise<string | undefined> {
    this.calls.hit('getSecret');
    return this.values.get(name);
  }

  async putSecret(name: SecretName, value: string): Promise<void> {
    this.calls.hit('putSecret');
    this.values.set(name, value);
  }

  async deleteSecret(name: SecretName): Promise<void> {
    this.calls.hit('deleteSecret');
    this.values.delete(name);
  }
}
