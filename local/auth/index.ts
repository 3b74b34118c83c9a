export {
  startAuth,
  type AuthOptions,
  type LoopbackClientOptions,
  type MachineClientOptions,
  type RunningAuth,
} from './server';
export {
  stableSub,
  TokenVerificationError,
  type DemoIdentity,
  type PreTokenGenerationHook,
  type TokenSet,
} from './tokens';
