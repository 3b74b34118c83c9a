/** What every page receives: the path parameters of its route. */
export interface PageProps {
  params: Record<string, string>;
}
