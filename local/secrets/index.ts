export {
  startSecretsManager,
  type RunningSecretsManager,
  type SeedSecret,
  type StartSecretsManagerOptions,
} from './secrets-manager';
