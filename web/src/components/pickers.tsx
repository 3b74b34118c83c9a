import FormField from '@cloudscape-design/components/form-field';
import Multiselect, { type MultiselectProps } from '@cloudscape-design/components/multiselect';
import SpaceBetween from '@cloudscape-design/components/space-between';
import TokenGroup from '@cloudscape-design/components/token-group';
import { useTeamApi } from '../api/context';
import { useAsync, type AsyncState } from '../api/hooks';
import { MAX_PICKER_PAGE_SIZE, readAll } from '../api/team-api';
import type { Account, Group, OuNode, PermissionSet, User } from '../api/model';
import { useT } from '../i18n';

/** Everything the admin pickers list, loaded page by page (1,000 per page). */
export interface Directory {
  accounts: AsyncState<Account[]>;
  ous: AsyncState<OuNode[]>;
  users: AsyncState<User[]>;
  groups: AsyncState<Group[]>;
  permissionSets: AsyncState<PermissionSet[]>;
}

/** Loads the admin pickers that are asked for (the others stay idle). */
export function useDirectory(wanted: Partial<Record<keyof Directory, boolean>>): Directory {
  const api = useTeamApi();
  const limit = MAX_PICKER_PAGE_SIZE;
  const idle = <T,>(): Promise<T[]> => Promise.resolve([]);
  const accounts = useAsync(
    () => (wanted.accounts ? readAll((nextToken) => api.accounts({ limit, nextToken })) : idle<Account>()),
    `accounts:${Boolean(wanted.accounts)}`,
  );
  const ous = useAsync(
    () => (wanted.ous ? readAll((nextToken) => api.ouTree({ limit, nextToken })) : idle<OuNode>()),
    `ous:${Boolean(wanted.ous)}`,
  );
  const users = useAsync(
    () => (wanted.users ? readAll((nextToken) => api.users({ limit, nextToken })) : idle<User>()),
    `users:${Boolean(wanted.users)}`,
  );
  const groups = useAsync(
    () => (wanted.groups ? readAll((nextToken) => api.groups({ limit, nextToken })) : idle<Group>()),
    `groups:${Boolean(wanted.groups)}`,
  );
  const permissionSets = useAsync(
    () =>
      wanted.permissionSets
        ? readAll((nextToken) => api.permissionSets({ limit, nextToken }))
        : idle<PermissionSet>(),
    `permissionSets:${Boolean(wanted.permissionSets)}`,
  );
  return { accounts, ous, users, groups, permissionSets };
}

export interface OuTreeEntry {
  node: OuNode;
  depth: number;
  /** Names from the root down to the node. */
  path: string[];
}

/**
 * The flat `ouTree` list as a depth-first tree: each parent followed by its children (by name).
 * Nodes whose parent is unknown are shown at the top level rather than dropped.
 */
export function flattenOuTree(nodes: readonly OuNode[]): OuTreeEntry[] {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string | null, OuNode[]>();
  for (const node of nodes) {
    const parent = node.parentId && ids.has(node.parentId) ? node.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(node);
    children.set(parent, list);
  }
  for (const list of children.values()) {
    list.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'ROOT' ? -1 : 1));
  }
  const result: OuTreeEntry[] = [];
  const seen = new Set<string>();
  const visit = (node: OuNode, depth: number, path: string[]) => {
    if (seen.has(node.id)) return;
    seen.add(node.id);
    const here = [...path, node.name];
    result.push({ node, depth, path: here });
    for (const child of children.get(node.id) ?? []) visit(child, depth + 1, here);
  };
  for (const top of children.get(null) ?? []) visit(top, 0, []);
  return result;
}

/** Indents option labels: em spaces survive HTML whitespace collapsing. */
const INDENT = '\u2003';

/** OU tree options for a Multiselect: indented by depth, path as description, id as tag. */
export function ouTreeOptions(nodes: readonly OuNode[], disabled: ReadonlySet<string> = new Set()) {
  return flattenOuTree(nodes).map<MultiselectProps.Option>((entry) => ({
    value: entry.node.id,
    label: `${INDENT.repeat(entry.depth)}${entry.node.name}`,
    description: entry.path.join(' / '),
    labelTag: entry.node.id,
    filteringTags: [entry.node.name, entry.node.id],
    disabled: disabled.has(entry.node.id),
  }));
}

export interface PickerFieldProps {
  label: string;
  description?: string;
  errorText?: string;
  placeholder: string;
  options: MultiselectProps.Option[];
  selectedIds: readonly string[];
  /** Names of selected ids that are not among the options (e.g. a deleted account). */
  knownNames?: ReadonlyMap<string, string>;
  onChange: (ids: string[]) => void;
  state: AsyncState<unknown>;
  /** Show selections as tokens below (false when labels carry indentation). */
  tokens?: 'inline' | 'below';
}

/** A labelled, filterable multiselect over a directory list, with loading and error states. */
export function PickerField(props: PickerFieldProps) {
  const t = useT();
  const byId = new Map(props.options.map((o) => [o.value ?? '', o]));
  const selectedOptions = props.selectedIds.map<MultiselectProps.Option>(
    (id) => byId.get(id) ?? { value: id, label: props.knownNames?.get(id) ?? id },
  );
  const below = props.tokens === 'below';
  const statusType: MultiselectProps['statusType'] = props.state.error
    ? 'error'
    : props.state.loading
      ? 'loading'
      : 'finished';
  return (
    <FormField label={props.label} description={props.description} errorText={props.errorText} stretch>
      <SpaceBetween size="xs">
        <Multiselect
          selectedOptions={selectedOptions}
          options={props.options}
          onChange={({ detail }) =>
            props.onChange(detail.selectedOptions.map((o) => o.value ?? '').filter(Boolean))
          }
          placeholder={props.placeholder}
          filteringType="auto"
          filteringPlaceholder={t('picker.filter')}
          statusType={statusType}
          loadingText={t('picker.loading')}
          errorText={props.state.error?.message}
          recoveryText={t('common.retry')}
          onLoadItems={({ detail }) => {
            if (detail.firstPage && props.state.error) props.state.reload();
          }}
          empty={t('picker.empty')}
          hideTokens={below}
          tokenLimit={below ? undefined : 5}
          virtualScroll={props.options.length > 100}
          deselectAriaLabel={(option) => t('picker.remove', { name: option.label ?? '' })}
        />
        {below && selectedOptions.length > 0 ? (
          <TokenGroup
            items={selectedOptions.map((o) => ({
              label: (o.label ?? '').replace(/^\u2003+/, ''),
              description: o.labelTag,
              dismissLabel: t('picker.remove', { name: (o.label ?? '').trim() }),
            }))}
            onDismiss={({ detail }) =>
              props.onChange(props.selectedIds.filter((_, index) => index !== detail.itemIndex))
            }
            limit={10}
          />
        ) : null}
      </SpaceBetween>
    </FormField>
  );
}
