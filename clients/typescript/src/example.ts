// The RoundTable API from TypeScript, with a client generated from the committed contract (openapi-typescript)
// and openapi-fetch: every path, parameter, header, body and answer below is typed by src/schema.d.ts, nothing by
// hand. Run against a live API: ROUNDTABLE_URL (default http://localhost:5080) and ROUNDTABLE_KEY (an admin key:
// ./run.sh apikey create --admin) — see README.md.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Problem = components["schemas"]["ProblemDetails"];

const baseUrl = process.env.ROUNDTABLE_URL ?? "http://localhost:5080";
const key = process.env.ROUNDTABLE_KEY;
const api = createClient<paths>({ baseUrl });

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

// 1. A list, page by page: the page and its items are typed, the cursor is the page's nextCursor.
const first = await api.GET("/api/v1/institutions", { params: { query: { limit: 2 } } });
check(first.data, `list: ${first.response.status}`);
const names = first.data.items.map((i) => i.slug);
let cursor = first.data.nextCursor;
let pages = 1;
while (cursor) {
  const page = await api.GET("/api/v1/institutions", { params: { query: { limit: 2, cursor } } });
  check(page.data, `page ${pages + 1}: ${page.response.status}`);
  names.push(...page.data.items.map((i) => i.slug));
  cursor = page.data.nextCursor;
  pages++;
}
console.log(`institutions: ${names.length} in ${pages} pages (${names.slice(0, 3).join(", ")}, …)`);

// 2. One resource by slug, in another language.
const snu = await api.GET("/api/v1/institutions/{idOrSlug}", {
  params: { path: { idOrSlug: "seoul-national-university" }, query: { lang: "ko" } },
});
check(snu.data, `read: ${snu.response.status}`);
check(snu.response.headers.get("Content-Language") === "ko", "the answer is in Korean");
console.log(`in Korean: ${String(snu.data.name)}`);

// 3. A 404 is a typed problem.
const missing = await api.GET("/api/v1/events/{idOrSlug}", { params: { path: { idOrSlug: "no-such-event" } } });
check(missing.error && missing.response.status === 404, "a missing event is a 404");
const problem: Problem = missing.error;
console.log(`404 problem: ${problem.title} (${problem.detail ?? ""})`);

// 4. Create → patch with If-Match → a stale If-Match is 412 → delete.
check(key, "set ROUNDTABLE_KEY to an admin key (./run.sh apikey create --admin)");
const auth = { Authorization: `Bearer ${key}` };
const slug = `ts-client-example-${Date.now()}`;
const created = await api.POST("/api/v1/institutions", {
  headers: auth,
  body: { slug, name: { en: "TypeScript Client Example Institute", ko: "예제 연구소" }, kind: "other", country: "KZ" },
});
check(created.data && created.response.status === 201, `create: ${created.response.status} ${JSON.stringify(created.error)}`);
const createdTag = created.response.headers.get("ETag");
check(createdTag, "a created resource carries its ETag");
console.log(`created ${created.data.slug} (${created.response.headers.get("Location")}), ETag ${createdTag}`);

const patched = await api.PATCH("/api/v1/institutions/{idOrSlug}", {
  headers: auth,
  params: { path: { idOrSlug: slug }, header: { "If-Match": createdTag } },
  body: { website: "https://example.org/ts-client", city: null },
});
check(patched.data, `patch: ${patched.response.status} ${JSON.stringify(patched.error)}`);
const patchedTag = patched.response.headers.get("ETag");
check(patchedTag && patchedTag !== createdTag, "the patch changed the ETag");
console.log(`patched: website ${patched.data.website}, version ${patched.data.version}`);

const stale = await api.PATCH("/api/v1/institutions/{idOrSlug}", {
  headers: auth,
  params: { path: { idOrSlug: slug }, header: { "If-Match": createdTag } },
  body: { website: "https://example.org/lost-update" },
});
check(stale.error && stale.response.status === 412, `a stale If-Match is 412, got ${stale.response.status}`);
console.log(`stale If-Match: ${stale.response.status} ${stale.error.title}`);

const deleted = await api.DELETE("/api/v1/institutions/{idOrSlug}", {
  headers: auth,
  params: { path: { idOrSlug: slug }, header: { "If-Match": patchedTag } },
});
check(deleted.response.status === 204, `delete: ${deleted.response.status} ${JSON.stringify(deleted.error)}`);
const gone = await api.GET("/api/v1/institutions/{idOrSlug}", { params: { path: { idOrSlug: slug } } });
check(gone.response.status === 404, "a deleted institution is gone");
console.log("deleted; the TypeScript client example passed");
