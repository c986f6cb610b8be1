// Reference D1 REST server: an imitation of Cloudflare's D1 REST envelope around the real D1 Worker binding
// (workerd's built-in `cloudflare-internal:d1-api`, backed by Miniflare's D1 Durable Object on workerd's SQLite).
//
// Everything inside a statement (SQL semantics, limits, authorizer, error texts, meta, value encoding, batch
// atomicity) comes from Cloudflare's code. Only this file's envelope is ours, and it follows
// shared/reference/d1-real-behaviour.md ("HTTP layer", "Multi-statement SQL", "Result shapes"):
//
//   POST /client/v4/accounts/{acc}/d1/database/{id}/query | /raw
//     body {sql, params?} | {batch: [{sql, params?}, ...]} | [{sql, params?}, ...]
//   - auth first: `Authorization: Bearer <TOKEN>` else 401 / 10000 "Authentication error", result null
//   - any other path or method: 404 / 7000 "No route for that URI"; body that is not JSON: 400 / 7400
//   - unknown database id: 404 / 7404 "The database {id} could not be found"
//   - `sql` without params (or with an empty params array) is split at top-level semicolons (see splitSql) and
//     the pieces run as ONE binding batch (atomic, one result per piece). With a non-empty params array the text
//     is sent unsplit; D1 then runs every statement and returns only the last one's result.
//   - `batch` / bare array items are sent as they are (never split), as one binding batch.
//   - any error thrown by the binding: 400 / 7500, message = binding message without its `D1_ERROR: ` /
//     `D1_TYPE_ERROR: ` prefix, `"result": []`.
//   - /query results come from the binding's public API (`all()`, `batch()`): rows are JS objects. /raw needs
//     meta AND ordered columns (duplicates kept), which the public `raw()` drops, so /raw goes through the
//     binding's own session method `_sendOrThrow('/query', ..., 'ROWS_AND_COLUMNS')` - the very call that
//     `all()`, `raw()` and `batch()` make - after the public `bind()` has validated and converted the params.

const NO_ROUTE = { status: 404, code: 7000, message: 'No route for that URI' };
const ROUTE = /^\/client\/v4\/accounts\/([^/]+)\/d1\/database\/([^/]+)\/(query|raw)$/;
const NOOP_SPAN = { setAttribute() {} };

function envelope(status, result, success, errors) {
  return new Response(JSON.stringify({ result, success, errors, messages: [] }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function fail(status, code, message, result = null) {
  return envelope(status, result, false, [{ code, message }]);
}

/**
 * Splits SQL text at top-level semicolons. Quotes ('', "", ``, []), comments (--, /* *\/) and trigger bodies
 * (CREATE TRIGGER ... BEGIN ... END, counting CASE ... END inside) never split. Each piece is trimmed; pieces
 * that are empty after trimming are dropped (so "A;" and "A;;B" are fine); pieces holding only comments are kept,
 * and D1 answers them with "SQL code did not contain a statement." (as production does for a trailing comment).
 */
export function splitSql(sql) {
  const pieces = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  // Per statement: the words seen so far at top level (for CREATE [TEMP] TRIGGER) and the trigger depth.
  let words = [];
  let trigger = false;
  let depth = 0; // > 0 inside a trigger body: 1 after BEGIN, +1 per CASE, -1 per END
  const push = (end) => {
    const piece = sql.slice(start, end).trim();
    if (piece.length > 0) pieces.push(piece);
  };
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '[') {
      while (i < n && sql[i] !== ']') i++;
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      const w = sql.slice(i, j).toUpperCase();
      if (!trigger) {
        if (words.length < 4) words.push(w);
        if (words[0] === 'CREATE' && w === 'TRIGGER' && words.length <= 3) trigger = true;
      } else if (depth === 0) {
        if (w === 'BEGIN') depth = 1;
      } else if (w === 'CASE') {
        depth++;
      } else if (w === 'END') {
        depth--;
        if (depth === 0) depth = -1; // body closed: the next top-level ';' ends the statement
      }
      i = j;
    } else if (c === ';' && !(trigger && depth > 0)) {
      push(i);
      start = i + 1;
      words = [];
      trigger = false;
      depth = 0;
      i++;
    } else {
      i++;
    }
  }
  push(n);
  return pieces;
}

function bindingMessage(e) {
  let m = e && typeof e.message === 'string' ? e.message : String(e);
  for (const prefix of ['D1_ERROR: ', 'D1_TYPE_ERROR: ']) {
    if (m.startsWith(prefix)) return m.slice(prefix.length);
  }
  return m;
}

async function run(db, raw, statements) {
  // statements: D1PreparedStatement[] (params already validated by bind()).
  if (!raw) {
    if (statements.length === 1) return [await statements[0].all()];
    return await db.batch(statements);
  }
  const session = db.alwaysPrimarySession;
  if (statements.length === 1) {
    const s = statements[0];
    const r = await session._sendOrThrow('/query', s.statement, s.params, 'ROWS_AND_COLUMNS', NOOP_SPAN);
    return [Array.isArray(r) ? r[0] : r];
  }
  return await session._sendOrThrow('/query', statements.map((s) => s.statement),
    statements.map((s) => s.params), 'ROWS_AND_COLUMNS', NOOP_SPAN);
}

function prepare(db, q) {
  const stmt = db.prepare(q.sql);
  return Array.isArray(q.params) && q.params.length > 0 ? stmt.bind(...q.params) : stmt;
}

export default {
  async fetch(request, env) {
    // Read the whole body first, whatever the answer: a response sent before the body is consumed makes workerd
    // close the connection, and a client reusing it from its pool then gets no answer at all.
    const text = await request.text();
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/client/v4/')) return fail(NO_ROUTE.status, NO_ROUTE.code, NO_ROUTE.message);
    if (request.headers.get('authorization') !== `Bearer ${env.TOKEN}`) {
      return fail(401, 10000, 'Authentication error');
    }
    const m = ROUTE.exec(url.pathname);
    if (!m || request.method !== 'POST') return fail(NO_ROUTE.status, NO_ROUTE.code, NO_ROUTE.message);
    const databaseId = decodeURIComponent(m[2]);
    const bindingName = env.DATABASES[databaseId];
    const db = bindingName === undefined ? undefined : env[bindingName];
    if (!db) return fail(404, 7404, `The database ${databaseId} could not be found`);
    const raw = m[3] === 'raw';

    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return fail(400, 7400, 'The request is not valid JSON');
    }
    let queries;
    if (Array.isArray(body)) queries = body;
    else if (body !== null && typeof body === 'object' && Array.isArray(body.batch)) queries = body.batch;
    else if (body !== null && typeof body === 'object' && typeof body.sql === 'string') {
      const hasParams = Array.isArray(body.params) && body.params.length > 0;
      queries = hasParams ? [body] : splitSql(body.sql).map((sql) => ({ sql }));
    } else {
      return fail(400, 7400, 'The request is not valid JSON');
    }
    if (!queries.every((q) => q !== null && typeof q === 'object' && typeof q.sql === 'string'
        && (q.params === undefined || q.params === null || Array.isArray(q.params)))) {
      return fail(400, 7400, 'The request is not valid JSON');
    }
    try {
      const statements = queries.map((q) => prepare(db, q));
      const results = await run(db, raw, statements);
      return envelope(200, results, true, []);
    } catch (e) {
      return fail(400, 7500, bindingMessage(e), []);
    }
  },
};
