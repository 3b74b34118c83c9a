import {
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** Who is calling, once the request's Authorization has been checked. */
export type Caller =
  | { mode: 'userPool'; claims: Record<string, unknown>; groups: string[]; token: string }
  | { mode: 'iam'; accessKeyId: string };

/** One way in that a type or field allows. `groups` restricts user-pool callers. */
export type AuthRule =
  { mode: 'userPool'; groups?: string[] } | { mode: 'iam' } | { mode: 'other'; name: string };

// The API's default mode is Cognito user pools (TEAM's setup); IAM is the additional mode.
const defaultRules: AuthRule[] = [{ mode: 'userPool' }];

function stringList(directive: ConstDirectiveNode, argName: string): string[] | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === argName);
  if (!arg) return undefined;
  const { value } = arg;
  if (value.kind === Kind.LIST) return value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
  if (value.kind === Kind.STRING) return [value.value];
  return undefined;
}

function rulesOf(directives: readonly ConstDirectiveNode[]): AuthRule[] {
  const rules: AuthRule[] = [];
  for (const d of directives) {
    switch (d.name.value) {
      case 'aws_cognito_user_pools': {
        const groups = stringList(d, 'cognito_groups');
        rules.push(groups ? { mode: 'userPool', groups } : { mode: 'userPool' });
        break;
      }
      case 'aws_auth':
        rules.push({ mode: 'userPool', groups: stringList(d, 'cognito_groups') ?? [] });
        break;
      case 'aws_iam':
        rules.push({ mode: 'iam' });
        break;
      case 'aws_api_key':
      case 'aws_oidc':
      case 'aws_lambda':
        rules.push({ mode: 'other', name: d.name.value });
        break;
      default:
        break;
    }
  }
  return rules;
}

function typeDirectives(type: GraphQLObjectType): ConstDirectiveNode[] {
  return [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
}

/**
 * The auth rules of every field of every object type, decided the way AppSync documents it:
 * directives on the field replace those on its type; a field and type without any auth
 * directive get the default mode only (so a user-pool token never reaches a field or type
 * marked only `@aws_iam`, and an IAM caller never reaches an unmarked one).
 */
export function compileAuthRules(schema: GraphQLSchema): Map<string, AuthRule[]> {
  const rules = new Map<string, AuthRule[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const onType = rulesOf(typeDirectives(type));
    for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
      const onField = rulesOf(field.astNode?.directives ?? []);
      rules.set(
        `${type.name}.${field.name}`,
        onField.length > 0 ? onField : onType.length > 0 ? onType : defaultRules,
      );
    }
  }
  return rules;
}

/** Whether `caller` satisfies at least one rule. */
export function isAllowed(rules: readonly AuthRule[], caller: Caller): boolean {
  return rules.some((rule) => {
    if (rule.mode === 'iam') return caller.mode === 'iam';
    if (rule.mode === 'userPool') {
      if (caller.mode !== 'userPool') return false;
      return rule.groups === undefined || rule.groups.some((g) => caller.groups.includes(g));
    }
    return false;
  });
}
