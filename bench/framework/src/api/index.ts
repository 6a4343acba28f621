// Ponder requires an API file; the framework floor serves nothing of its own.
import { Hono } from "hono";

export default new Hono();
