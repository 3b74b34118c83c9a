/** Where OUs sit in the organization, from one OU tree: parents, ancestors and nested OUs. */
import type { CoreDeps } from '../ports';
import type { OuNode } from '../types';

export class OuIndex {
  private readonly parents = new Map<string, string>();
  private readonly children = new Map<string, string[]>();
  private readonly names = new Map<string, string>();

  constructor(root: OuNode) {
    const visit = (node: OuNode) => {
      this.names.set(node.id, node.name);
      this.children.set(
        node.id,
        node.children.map((child) => child.id),
      );
      for (const child of node.children) {
        this.parents.set(child.id, node.id);
        visit(child);
      }
    };
    visit(root);
  }

  has(ouId: string): boolean {
    return this.names.has(ouId);
  }

  nameOf(ouId: string): string | undefined {
    return this.names.get(ouId);
  }

  /** The OUs above `ouId`, nearest first, ending with the root ([] for the root or an unknown OU). */
  ancestorsOf(ouId: string): string[] {
    const out: string[] = [];
    for (let at = this.parents.get(ouId); at !== undefined; at = this.parents.get(at)) out.push(at);
    return out;
  }

  /** Every OU below `ouId` at any depth (not `ouId` itself). */
  descendantsOf(ouId: string): string[] {
    const out: string[] = [];
    const stack = [...(this.children.get(ouId) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      out.push(next);
      stack.push(...(this.children.get(next) ?? []));
    }
    return out;
  }
}

const indexes = new WeakMap<OuNode, OuIndex>();

/** The index of a tree, built once per tree object (a cached tree is indexed once). */
export function ouIndexOf(root: OuNode): OuIndex {
  let index = indexes.get(root);
  if (index === undefined) {
    index = new OuIndex(root);
    indexes.set(root, index);
  }
  return index;
}

/** Every OU below an OU, from the cached OU tree. */
export async function nestedOusOf(deps: Pick<CoreDeps, 'organization'>, ouId: string): Promise<string[]> {
  return ouIndexOf(await deps.organization.cachedOuTree()).descendantsOf(ouId);
}
