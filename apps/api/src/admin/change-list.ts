import type { OrderingTerm } from "@tasks/domain";
import type { FastifyReply, FastifyRequest } from "fastify";
import { formList } from "./forms.ts";
import type { AdminPages } from "./render.ts";

/** The query parameters of a change list, as Django names them: search `q`, ordering `o`, page `p`, and its filters. */
export type ListParams = Readonly<Record<string, string | undefined>>;

/** A link to the change list at `base` with `params` changed (an `undefined` value drops that parameter). */
export function listUrl(base: string, params: ListParams, changes: ListParams = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...params, ...changes }))
    if (value !== undefined && value !== "") query.set(name, value);
  const text = query.toString();
  return text === "" ? base : `${base}?${text}`;
}

/** The string members of a query, as a change list reads them (a repeated parameter counts once, its last value). */
export function listParams(query: unknown, names: readonly string[]): ListParams {
  const params: Record<string, string | undefined> = {};
  const record = (query ?? {}) as Record<string, unknown>;
  for (const name of names) {
    const value = record[name];
    params[name] = Array.isArray(value) ? String(value.at(-1)) : typeof value === "string" ? value : undefined;
  }
  return params;
}

/** A column of a change list; `field` makes its header a link that orders by it. */
export interface Column {
  readonly label: string;
  readonly field?: string;
}

/** A header as the template draws it. */
export interface Header {
  readonly label: string;
  readonly href: string | null;
  readonly sorted: "ascending" | "descending" | null;
}

/**
 * The headers, each linking to the list ordered by its column: ascending first, and
 * descending when the list is already ordered by it ascending, as Django's headers toggle.
 */
export function headers(
  base: string,
  params: ListParams,
  columns: readonly Column[],
  ordering: readonly OrderingTerm<string>[],
): Header[] {
  const first = ordering[0];
  return columns.map((column) => {
    if (column.field === undefined) return { label: column.label, href: null, sorted: null };
    const sorted = first?.field === column.field ? (first.direction === "asc" ? "ascending" : "descending") : null;
    const next = sorted === "ascending" ? `-${column.field}` : column.field;
    return { label: column.label, href: listUrl(base, params, { o: next, p: undefined }), sorted };
  });
}

/** One choice of a sidebar filter. */
export interface FilterChoice {
  readonly label: string;
  readonly href: string;
  readonly selected: boolean;
}

/** A sidebar filter ("By status"): "All" and one choice per value, each a link keeping the other parameters. */
export function filter(
  base: string,
  params: ListParams,
  title: string,
  name: string,
  choices: readonly { readonly value: string; readonly label: string }[],
): { title: string; choices: FilterChoice[] } {
  const current = params[name];
  return {
    title,
    choices: [
      {
        label: "All",
        href: listUrl(base, params, { [name]: undefined, p: undefined }),
        selected: current === undefined,
      },
      ...choices.map((choice) => ({
        label: choice.label,
        href: listUrl(base, params, { [name]: choice.value, p: undefined }),
        selected: current === choice.value,
      })),
    ],
  };
}

/** The paginator's links: every page when there are few, else the first and last two and those around the current one. */
export function pageLinks(
  base: string,
  params: ListParams,
  page: number,
  pageCount: number,
): ({ number: number; href: string; current: boolean } | null)[] {
  const shown = [...Array(pageCount).keys()]
    .map((index) => index + 1)
    .filter((number) => pageCount <= 10 || number <= 2 || number > pageCount - 2 || Math.abs(number - page) <= 3);
  return shown.flatMap((number, index) => {
    const link = {
      number,
      href: listUrl(base, params, { p: number === 1 ? undefined : String(number) }),
      current: number === page,
    };
    return index > 0 && number - (shown[index - 1] as number) > 1 ? [null, link] : [link];
  });
}

/** A page number from `p`: a positive whole number, or `undefined` for the first page; anything else is left to the use case to refuse. */
export function pageNumber(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : Number(raw);
}

/**
 * What the change list's action form asks: the ids selected for "Delete selected", and
 * whether the confirmation page said "Yes, I'm sure". Without a selection or an action,
 * the browser goes back to the list with Django's message, and `null` is answered.
 */
export function selectedForDeletion(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  listPath: string,
): { ids: string[]; confirmed: boolean } | null {
  const [action] = formList(request.body, "action");
  const ids = formList(request.body, "_selected_action");
  const refusal =
    ids.length === 0
      ? "Items must be selected in order to perform actions on them. No items have been changed."
      : action !== "delete_selected"
        ? "No action selected."
        : null;
  if (refusal === null) return { ids, confirmed: formList(request.body, "post")[0] === "yes" };
  pages.flash(request, reply, "warning", refusal);
  reply.redirect(listPath, 303);
  return null;
}

/** One model's change list as templates/change-list.eta draws it. */
export function changeListPage(list: {
  readonly path: string;
  readonly params: ListParams;
  /** The filters' parameter names, kept by the search form. */
  readonly filterNames: readonly string[];
  readonly singular: string;
  readonly plural: string;
  readonly page: { readonly count: number; readonly page: number; readonly pageSize: number };
  /** How many there are in all, shown beside a search's results. */
  readonly total: number;
  readonly columns: readonly Column[];
  readonly ordering: readonly OrderingTerm<string>[];
  readonly filters: readonly { title: string; choices: FilterChoice[] }[];
  readonly filterNote?: string | null;
  readonly rows: readonly {
    id: string;
    name: string;
    cells: readonly { field: string; text: string; href?: string }[];
  }[];
}) {
  const { path, params, page } = list;
  const title = list.plural.charAt(0).toUpperCase() + list.plural.slice(1);
  return {
    title: `Select ${list.singular} to change`,
    breadcrumbs: [{ label: title }],
    baseUrl: path,
    addUrl: `${path}add/`,
    addLabel: `Add ${list.singular}`,
    search: params.q ?? "",
    searchHidden: [...list.filterNames, "o"].flatMap((name) => {
      const value = params[name];
      return value ? [{ name, value }] : [];
    }),
    clearSearchUrl: listUrl(path, params, { q: undefined, p: undefined }),
    count: page.count,
    total: list.total,
    filters: list.filters,
    filterNote: list.filterNote ?? null,
    actions: [{ value: "delete_selected", label: `Delete selected ${list.plural}` }],
    headers: headers(path, params, list.columns, list.ordering),
    rows: list.rows,
    pages: pageLinks(path, params, page.page, Math.max(1, Math.ceil(page.count / page.pageSize))),
    singularName: list.singular,
    pluralName: list.plural,
  };
}
