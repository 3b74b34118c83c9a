import type { RunningService } from '../common/aws-json-server';
import { makeSfnOperations, startStepFunctionsEndpoint } from './endpoint';
import { StepFunctionsServiceBase } from './service';
import type { StepFunctionsServiceOptions } from './types';

/**
 * The local Step Functions service: state machines, executions, task tokens, history and
 * counters, running ASL with aws-local-stepfunctions on a controllable clock.
 */
export class StepFunctionsService extends StepFunctionsServiceBase {
  private endpoint?: RunningService;

  constructor(options: StepFunctionsServiceOptions = {}) {
    super(options, makeSfnOperations);
  }

  /** Serves the Step Functions API (AWS JSON 1.0) on 127.0.0.1; port 0 picks a free port. */
  async listen(port = 0): Promise<{ url: string; port: number }> {
    if (!this.endpoint) this.endpoint = await startStepFunctionsEndpoint(this, port);
    return { url: this.endpoint.url, port: this.endpoint.port };
  }

  /** The endpoint URL once `listen()` has resolved. */
  get url(): string | undefined {
    return this.endpoint?.url;
  }

  protected override stopEndpoint(): Promise<void> | undefined {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    return endpoint?.stop();
  }
}

/** Creates the local Step Functions service (see StepFunctionsService). */
export function createStepFunctionsService(options: StepFunctionsServiceOptions = {}): StepFunctionsService {
  return new StepFunctionsService(options);
}
