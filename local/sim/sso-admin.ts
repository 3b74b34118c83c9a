import { AwsServiceError, type Operation } from '../common/aws-json-server';
import { PATTERNS } from './ids';
import { epochSeconds, InputReader, paginate } from './service-kit';
import type { Assignment, AssignmentOperation, AssignmentOperationKind, OrgState } from './state';

/**
 * IAM Identity Center admin API (`SWBExternalService`, AWS JSON 1.1): instances, permission
 * sets, and asynchronous account assignments.
 */

export const SSO_ADMIN_TARGET = 'SWBExternalService';
const VALIDATION = 'ValidationException';
const NOT_FOUND = 'ResourceNotFoundException';
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGE_MAX = 100;

function operationStatus(op: AssignmentOperation) {
  return {
    Status: op.status,
    RequestId: op.requestId,
    ...(op.failureReason ? { FailureReason: op.failureReason } : {}),
    TargetId: op.accountId,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: op.permissionSetArn,
    PrincipalType: op.principalType,
    PrincipalId: op.principalId,
    CreatedDate: epochSeconds(op.createdAt),
  };
}

const assignmentOut = (a: Assignment) => ({
  AccountId: a.accountId,
  PermissionSetArn: a.permissionSetArn,
  PrincipalType: a.principalType,
  PrincipalId: a.principalId,
});

/** The operations of the sso-admin simulator over `state`. */
export function ssoAdminOperations(state: OrgState): Record<string, Operation> {
  const reader = (input: Record<string, unknown>) => new InputReader(input, VALIDATION);

  const instanceOf = (r: InputReader) => {
    const arn = r.string('InstanceArn', PATTERNS.instanceArn);
    if (arn !== state.instance.arn) throw new AwsServiceError(NOT_FOUND, `Instance ${arn} does not exist`);
    return arn;
  };
  const permissionSetOf = (r: InputReader) => {
    const arn = r.string('PermissionSetArn', PATTERNS.permissionSetArn);
    const ps = state.permissionSets.get(arn);
    if (!ps)
      throw new AwsServiceError(NOT_FOUND, `Could not find PermissionSet with id ${arn.split('/').pop()}`);
    return ps;
  };
  const page = <T>(items: readonly T[], input: Record<string, unknown>, scope: string) =>
    paginate(items, input, { max: PAGE_MAX, scope, errorType: VALIDATION });

  const startOperation = (kind: AssignmentOperationKind, input: Record<string, unknown>) => {
    const r = reader(input);
    instanceOf(r);
    r.oneOf('TargetType', ['AWS_ACCOUNT'] as const);
    const accountId = r.string('TargetId', PATTERNS.accountId);
    const principalType = r.oneOf('PrincipalType', ['USER', 'GROUP'] as const);
    const principalId = r.string('PrincipalId', PATTERNS.principalId);
    const ps = permissionSetOf(r);
    return operationStatus(
      state.startAssignmentOperation(kind, {
        accountId,
        permissionSetArn: ps.arn,
        principalType,
        principalId,
      }),
    );
  };

  const describeOperation = (
    kind: AssignmentOperationKind,
    input: Record<string, unknown>,
    member: string,
  ) => {
    const r = reader(input);
    instanceOf(r);
    const requestId = r.string(member, REQUEST_ID);
    const op = state.assignmentOperation(requestId);
    if (!op || op.kind !== kind) {
      throw new AwsServiceError(
        NOT_FOUND,
        `Could not find an account assignment request with id ${requestId}`,
      );
    }
    return operationStatus(op);
  };

  const listOperations = (kind: AssignmentOperationKind, input: Record<string, unknown>) => {
    const r = reader(input);
    instanceOf(r);
    const status = r.optionalObject('Filter')?.Status;
    const ops = state
      .assignmentOperations()
      .filter((op) => op.kind === kind && (status === undefined || op.status === status));
    const { page: items, nextToken } = page(ops, input, `${kind}-status:${String(status)}`);
    return {
      items: items.map((op) => ({
        Status: op.status,
        RequestId: op.requestId,
        CreatedDate: epochSeconds(op.createdAt),
      })),
      NextToken: nextToken,
    };
  };

  return {
    ListInstances: (input) => {
      const { page: items, nextToken } = page([state.instance], input, 'instances');
      return {
        Instances: items.map((i) => ({
          InstanceArn: i.arn,
          IdentityStoreId: i.identityStoreId,
          OwnerAccountId: state.organization.managementAccountId,
          Name: i.name,
          CreatedDate: epochSeconds(i.createdAt),
          Status: 'ACTIVE',
        })),
        NextToken: nextToken,
      };
    },

    ListPermissionSets: (input) => {
      instanceOf(reader(input));
      const { page: items, nextToken } = page([...state.permissionSets.keys()], input, 'permission-sets');
      return { PermissionSets: items, NextToken: nextToken };
    },

    DescribePermissionSet: (input) => {
      const r = reader(input);
      instanceOf(r);
      const ps = permissionSetOf(r);
      return {
        PermissionSet: {
          Name: ps.name,
          PermissionSetArn: ps.arn,
          ...(ps.description ? { Description: ps.description } : {}),
          CreatedDate: epochSeconds(ps.createdAt),
          SessionDuration: ps.sessionDuration,
        },
      };
    },

    ListPermissionSetsProvisionedToAccount: (input) => {
      const r = reader(input);
      instanceOf(r);
      const accountId = r.string('AccountId', PATTERNS.accountId);
      const status = r.optionalString('ProvisioningStatus');
      // Every provisioned permission set here is up to date: none is "not provisioned".
      const arns =
        status === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
          ? []
          : [...state.permissionSets.values()]
              .filter((ps) => ps.provisionedTo.has(accountId))
              .map((ps) => ps.arn);
      const { page: items, nextToken } = page(arns, input, `provisioned:${accountId}:${String(status)}`);
      return { PermissionSets: items, NextToken: nextToken };
    },

    ListAccountsForProvisionedPermissionSet: (input) => {
      const r = reader(input);
      instanceOf(r);
      const ps = permissionSetOf(r);
      const status = r.optionalString('ProvisioningStatus');
      const accounts = status === 'LATEST_PERMISSION_SET_NOT_PROVISIONED' ? [] : [...ps.provisionedTo].sort();
      const { page: items, nextToken } = page(accounts, input, `accounts-for:${ps.arn}:${String(status)}`);
      return { AccountIds: items, NextToken: nextToken };
    },

    CreateAccountAssignment: (input) => ({
      AccountAssignmentCreationStatus: startOperation('CREATE', input),
    }),

    DeleteAccountAssignment: (input) => ({
      AccountAssignmentDeletionStatus: startOperation('DELETE', input),
    }),

    DescribeAccountAssignmentCreationStatus: (input) => ({
      AccountAssignmentCreationStatus: describeOperation(
        'CREATE',
        input,
        'AccountAssignmentCreationRequestId',
      ),
    }),

    DescribeAccountAssignmentDeletionStatus: (input) => ({
      AccountAssignmentDeletionStatus: describeOperation(
        'DELETE',
        input,
        'AccountAssignmentDeletionRequestId',
      ),
    }),

    ListAccountAssignmentCreationStatus: (input) => {
      const { items, NextToken } = listOperations('CREATE', input);
      return { AccountAssignmentsCreationStatus: items, NextToken };
    },

    ListAccountAssignmentDeletionStatus: (input) => {
      const { items, NextToken } = listOperations('DELETE', input);
      return { AccountAssignmentsDeletionStatus: items, NextToken };
    },

    ListAccountAssignments: (input) => {
      const r = reader(input);
      instanceOf(r);
      const accountId = r.string('AccountId', PATTERNS.accountId);
      const ps = permissionSetOf(r);
      const found = state.assignments({ accountId, permissionSetArn: ps.arn });
      const { page: items, nextToken } = page(found, input, `assignments:${accountId}:${ps.arn}`);
      return { AccountAssignments: items.map(assignmentOut), NextToken: nextToken };
    },

    ListAccountAssignmentsForPrincipal: (input) => {
      const r = reader(input);
      instanceOf(r);
      const principalId = r.string('PrincipalId', PATTERNS.principalId);
      const principalType = r.oneOf('PrincipalType', ['USER', 'GROUP'] as const);
      const filter = r.optionalObject('Filter') ? r.nested('Filter') : undefined;
      const accountId = filter?.optionalString('AccountId', PATTERNS.accountId);
      const found = state.assignments({ principalId, principalType, ...(accountId ? { accountId } : {}) });
      const { page: items, nextToken } = page(
        found,
        input,
        `assignments-for:${principalType}:${principalId}:${accountId ?? ''}`,
      );
      return { AccountAssignments: items.map(assignmentOut), NextToken: nextToken };
    },
  };
}
