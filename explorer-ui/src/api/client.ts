/** A tiny GraphQL client: POST /graphql, JSON in and out, errors with readable messages. */
import { urls } from "../urls";

export class ApiError extends Error {
  constructor(message: string, readonly kind: "network" | "http" | "graphql" | "parse", readonly status?: number) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message?: unknown }>;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(urls.graphql(), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw new ApiError("Cannot reach the API. Is the server running?", "network");
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await res.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`The API answered HTTP ${res.status} without a JSON body.`, res.ok ? "parse" : "http", res.status);
  }
  if (body.errors && body.errors.length > 0) {
    const msg = body.errors.map((e) => (typeof e.message === "string" ? e.message : "unknown error")).join("; ");
    throw new ApiError(msg, "graphql", res.status);
  }
  if (!res.ok) throw new ApiError(`The API answered HTTP ${res.status}.`, "http", res.status);
  if (body.data === undefined || body.data === null) throw new ApiError("The API answered without data.", "parse", res.status);
  return body.data;
}
