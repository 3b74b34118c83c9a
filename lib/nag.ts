import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Flattens a resolved CloudFormation value the way cdk-nag names findings (`<Logical.Arn>`, `<AWS::Region>`). */
function flatten(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map(flatten).join(join[0]);
    }
    if ('Fn::Sub' in node) return flatten(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if ('Fn::ImportValue' in node) return flatten(node['Fn::ImportValue']);
    if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** The cdk-nag finding id of a wildcard resource in an IAM policy (AwsSolutions-IAM5). */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of each wildcard resource on `scope` (the role or
 * policy holding it), with the reason next to the grant that needs it.
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  resources: readonly string[],
  reason: string,
): void {
  for (const resource of resources) {
    if (!flatten(Stack.of(scope).resolve(resource)).includes('*')) continue;
    Validations.of(scope).acknowledge({ id: wildcardResourceFinding(scope, resource), reason });
  }
}

/**
 * Acknowledges, with one reason, every AwsSolutions finding inside a construct that the CDK
 * creates and configures itself (singleton providers such as the BucketDeployment handler),
 * whose policies TEAM cannot shape. Call it after everything that adds to those policies.
 */
export function acknowledgeCdkProviderFindings(scope: IConstruct, reason: string): void {
  const report = new AwsSolutionsChecks().validateScope(scope);
  for (const violation of report.violations) {
    Validations.of(scope).acknowledge({ id: violation.ruleName, reason });
  }
}
