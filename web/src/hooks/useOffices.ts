/**
 * The offices a staff member works at (their roles' nodes) and the ones right below each, with
 * names: what the workspace's office filters and role pickers offer.
 */
import { api, call } from "../api/client";
import type { User } from "../api/types";
import { allRoles } from "../auth/Auth";
import { useAsync } from "./useAsync";

export interface OfficeChoice {
  id: string;
  name: string;
  depth: number;
}

export function useOffices(me: User | null, roles?: readonly string[]) {
  const ids = [...new Set(allRoles(me).filter((r) => !roles || roles.includes(r.role)).map((r) => r.node_id))];
  return useAsync(async () => {
    const nodes = await Promise.all(
      ids.map((id) => call(api().GET("/org/nodes/{id}", { params: { path: { id } } })).catch(() => null)),
    );
    const choices: OfficeChoice[] = [];
    const names: Record<string, string> = {};
    for (const node of nodes) {
      if (!node) continue;
      names[node.id] = node.name;
      choices.push({ id: node.id, name: node.name, depth: 0 });
      for (const child of node.children) {
        names[child.id] = child.name;
        choices.push({ id: child.id, name: child.name, depth: 1 });
      }
    }
    return { choices, names };
  }, [ids.join(",")]);
}
