/**
 * Names and removal policies of the resources TEAM keeps after its stack is gone. A retained
 * resource with a fixed name makes the next deployment fail: after a failed first deployment
 * (CloudFormation keeps a `Retain` resource even when it rolls back the creation that made it)
 * and after `cdk destroy` and a reinstall (the name is still taken). docs/deployment.md,
 * "Updating and reinstalling", says what each resource does about it.
 */
import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A suffix unique to one installation of the stack: the first 8 hex digits of the UUID in the
 * stack id. CloudFormation draws the UUID each time it creates the stack and keeps it through
 * every update, so the name is stable while the stack lives and new after a reinstall (or after
 * a failed first deployment, which leaves a stack that must be deleted before the retry).
 */
export function installationSuffix(scope: IConstruct): string {
  const stackId = Stack.of(scope).stackId;
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stackId))));
}

/**
 * The config's removal policy for a resource whose leftovers would be in the way: `retain`
 * becomes CloudFormation's `RetainExceptOnCreate` deletion policy (the CDK's
 * RETAIN_ON_UPDATE_OR_DELETE: kept on stack deletion and on replacement like RETAIN, but deleted
 * when the deployment that created it rolls back, so a failed first deployment leaves nothing
 * behind), `destroy` stays DESTROY.
 */
export function retainExceptOnCreate(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}
