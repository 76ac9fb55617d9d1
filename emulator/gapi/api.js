// The emulator's stand-in for Google's https://apis.google.com/js/api.js:
// gapi.load and the 'client' library (gapi.client), as
// google/google-api-javascript-client's docs describe them (reference.md,
// promises.md, discovery.md; FIDELITY.md lists what it reproduces and what
// it guessed). gapi.go writes the emulator's origin into the last line.
//
// Requests go straight to the API with fetch (CORS), never through a proxy
// iframe. Calls meant for Google's API hosts go to the emulator instead, so
// a page written for Google (its discovery URLs, absolute paths) runs offline.
(function (emulatorOrigin) {
  'use strict';

  const gapi = (window.gapi = window.gapi || {});

  // Google's hosts whose paths the emulator serves at its own origin.
  const googleHosts = ['www.googleapis.com', 'content.googleapis.com', 'docs.googleapis.com', 'photospicker.googleapis.com'];
  const networkError = 'A network error occurred, and the request could not be completed.';

  /** An absolute URL on the emulator for a URL or path meant for Google. */
  function toEmulator(urlOrPath) {
    const s = String(urlOrPath);
    if (/^https?:\/\//i.test(s)) {
      const u = new URL(s);
      if (googleHosts.includes(u.host)) return emulatorOrigin + u.pathname + u.search;
      return u.toString();
    }
    return emulatorOrigin + (s.startsWith('/') ? s : '/' + s);
  }

  // ------------------------------------------------------------ state

  let apiKey;
  let token = null; // what setToken was given, or null

  function setApiKey(key) {
    apiKey = key === undefined || key === null || key === '' ? undefined : String(key);
  }

  // setToken(null), setToken('') and setToken(undefined) forget the token
  // (the Calendar quickstart signs out with setToken('')).
  function setToken(t) {
    token = t && typeof t === 'object' ? t : null;
  }

  function getToken() {
    return token;
  }

  // ------------------------------------------------------------ requests

  /** then(onFulfilled, onRejected, context), as goog.Thenable's. */
  function bindThen(promise, onFulfilled, onRejected, context) {
    const bind = (f) => (typeof f === 'function' ? (v) => f.call(context, v) : undefined);
    return promise.then(bind(onFulfilled), bind(onRejected));
  }

  function headerMap(res) {
    const out = {};
    res.headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return false; // "false if not JSON-parseable"
    }
  }

  /** One HTTP call: fulfils with a response, rejects with one for a non-2xx answer. */
  async function send(args) {
    const url = new URL(toEmulator(args.root ? args.root + args.path : args.path));
    const params = args.params || {};
    for (const name of Object.keys(params)) {
      const v = params[name];
      if (v === undefined || v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(name, String(one));
    }
    if (apiKey !== undefined && !url.searchParams.has('key')) url.searchParams.set('key', apiKey);
    const headers = new Headers(args.headers || {});
    if (token && token.access_token && !headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + token.access_token);
    const method = String(args.method || 'GET').toUpperCase();
    let body = args.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      body = JSON.stringify(body);
      if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    }
    if (method === 'GET' || method === 'HEAD') body = undefined;

    let res;
    let text;
    try {
      res = await fetch(url.toString(), { method, headers, body, mode: 'cors', credentials: 'omit', cache: 'no-store' });
      text = await res.text();
    } catch (e) {
      const result = { error: { code: -1, message: networkError, errors: [{ domain: 'global', reason: 'networkError', message: networkError }] } };
      throw { result, body: JSON.stringify(result), headers: undefined, status: undefined, statusText: undefined };
    }
    const response = { result: parse(text), body: text, headers: headerMap(res), status: res.status, statusText: res.statusText };
    if (res.status >= 200 && res.status < 300) return response;
    throw response;
  }

  /**
   * gapi.client.Request: sent lazily, on the first then or execute; its
   * answer never changes after that.
   */
  class Request {
    constructor(args) {
      this.args = args;
      this.promise = null;
    }

    run() {
      if (!this.promise) this.promise = send(this.args);
      return this.promise;
    }

    then(onFulfilled, onRejected, context) {
      return bindThen(this.run(), onFulfilled, onRejected, context);
    }

    /**
     * execute(callback(jsonResp, rawResp)): jsonResp is the parsed answer
     * (false if not JSON); rawResp is a JSON string holding body, headers,
     * status and statusText. An error answer also carries its error's
     * fields at the top level, as the callback interface did.
     */
    execute(callback) {
      const report = (r) => {
        if (typeof callback !== 'function') return;
        let json = r.result;
        if (json && typeof json === 'object' && json.error && typeof json.error === 'object') json = Object.assign({}, json.error, json);
        const raw = JSON.stringify({ gapiRequest: { data: { body: r.body, headers: r.headers, status: r.status, statusText: r.statusText } } });
        callback(json, raw);
      };
      this.run().then(report, report);
    }
  }

  /**
   * gapi.client.Batch (batch.md, reference.md): add(request, {id,
   * callback}), then, execute. Google sends one multipart request to the
   * API's batch path; the emulator sends the requests side by side, which a
   * page cannot tell apart except in its network log. The batch fulfils
   * with {result: {id: response}} whatever each request's answer; a failed
   * request is a rejection's shape inside the map.
   */
  class Batch {
    constructor() {
      this.entries = [];
      this.promise = null;
    }

    add(req, opt) {
      if (!(req instanceof Request)) throw new Error('gapi.client.Batch.add: only requests made by gapi.client can be added');
      if (this.promise) throw new Error('gapi.client.Batch.add: the batch has already been sent');
      const o = opt || {};
      let id = o.id === undefined || o.id === null ? '' : String(o.id);
      if (id === '') id = 'id' + Math.random().toString(36).slice(2, 12);
      if (this.entries.some((e) => e.id === id)) throw new Error('gapi.client.Batch.add: the batch already has a request with id ' + id);
      this.entries.push({ id, req, callback: o.callback });
      return id;
    }

    run() {
      if (!this.promise) {
        this.promise = Promise.all(this.entries.map((e) => e.req.run().then((r) => r, (r) => r))).then((answers) => {
          const result = {};
          this.entries.forEach((e, i) => {
            result[e.id] = answers[i];
          });
          const body = JSON.stringify(result);
          for (const e of this.entries) if (typeof e.callback === 'function') e.callback(result[e.id], body);
          return { result, body, headers: {}, status: 200, statusText: 'OK' };
        });
      }
      return this.promise;
    }

    then(onFulfilled, onRejected, context) {
      return bindThen(this.run(), onFulfilled, onRejected, context);
    }

    /** execute(callback(responseMap, rawBatchResponse)). */
    execute(callback) {
      this.run().then((r) => {
        if (typeof callback === 'function') callback(r.result, r.body);
      });
    }
  }

  function request(args) {
    if (!args || typeof args.path !== 'string' || args.path === '') throw new Error('gapi.client.request: path is required');
    return new Request({ path: args.path, method: args.method, params: args.params, headers: args.headers, body: args.body });
  }

  // ------------------------------------------------------------ discovery

  function expandPath(template, params, used) {
    return template.replace(/\{(\+?)([^}]+)\}/g, (all, reserved, name) => {
      used.add(name);
      const v = params[name];
      if (v === undefined || v === null) return '';
      return reserved ? encodeURI(String(v)) : encodeURIComponent(String(v));
    });
  }

  function generate(doc, method) {
    return function (params, body) {
      const p = Object.assign({}, params || {});
      const missing = (method.parameterOrder || []).filter((n) => method.parameters?.[n]?.required && (p[n] === undefined || p[n] === null || p[n] === ''));
      if (missing.length) throw new Error('Missing required parameters: ' + missing.join(', '));
      let payload = body;
      if (payload === undefined && p.resource !== undefined) payload = p.resource;
      delete p.resource;
      const used = new Set();
      const path = expandPath(method.path, p, used);
      const query = {};
      for (const name of Object.keys(p)) if (!used.has(name)) query[name] = p[name];
      return new Request({ root: doc.rootUrl + (doc.servicePath || ''), path, method: method.httpMethod, params: query, body: payload });
    };
  }

  function install(target, resources, doc) {
    for (const name of Object.keys(resources || {})) {
      const res = resources[name];
      const node = (target[name] = target[name] || {});
      for (const m of Object.keys(res.methods || {})) node[m] = generate(doc, res.methods[m]);
      install(node, res.resources, doc);
    }
  }

  function installDoc(doc) {
    if (!doc || typeof doc !== 'object' || typeof doc.name !== 'string' || typeof doc.rootUrl !== 'string' || !doc.resources) {
      throw { error: { code: 400, message: 'API discovery response missing required fields.' } };
    }
    const api = (gapi.client[doc.name] = gapi.client[doc.name] || {});
    install(api, doc.resources, doc);
    for (const m of Object.keys(doc.methods || {})) api[m] = generate(doc, doc.methods[m]);
  }

  async function loadDiscovery(urlOrObject) {
    if (urlOrObject && typeof urlOrObject === 'object') {
      installDoc(urlOrObject);
      return;
    }
    let res;
    let text;
    try {
      res = await fetch(toEmulator(urlOrObject), { credentials: 'omit', cache: 'no-store' });
      text = await res.text();
    } catch (e) {
      throw { error: { code: -1, message: networkError } };
    }
    const json = parse(text);
    if (!res.ok) {
      const e = json && json.error && typeof json.error === 'object' ? json.error : { code: res.status, message: res.statusText };
      throw { error: e };
    }
    installDoc(json);
  }

  /**
   * load(urlOrObject) → a thenable; load(name, version, callback) (the
   * deprecated form) loads discovery/v1/apis/name/version/rest and calls
   * back, or returns a thenable without a callback.
   */
  function load(nameOrUrl, version, callback) {
    let p;
    if (typeof version === 'string') {
      p = loadDiscovery(emulatorOrigin + '/discovery/v1/apis/' + encodeURIComponent(nameOrUrl) + '/' + encodeURIComponent(version) + '/rest');
    } else {
      p = loadDiscovery(nameOrUrl);
      if (typeof version === 'function') callback = version;
    }
    if (typeof callback === 'function') {
      p.then(
        () => callback(),
        (reason) => callback(reason),
      );
      return undefined;
    }
    return { then: (f, r, ctx) => bindThen(p, f, r, ctx) };
  }

  /**
   * init({apiKey, discoveryDocs}): sets the key, loads every discovery
   * document. clientId and scope would load gapi.auth2, which Google
   * Identity Services replaces and the emulator does not offer.
   */
  function init(args) {
    const a = args || {};
    const p = (async () => {
      if (a.clientId !== undefined || a.scope !== undefined) {
        throw { error: 'idpiframe_initialization_failed', details: 'gapi.auth2 is not offered by the emulator: use Google Identity Services (google.accounts.oauth2) for the token' };
      }
      if (a.apiKey !== undefined) setApiKey(a.apiKey);
      await Promise.all((a.discoveryDocs || []).map(loadDiscovery));
    })();
    return { then: (f, r, ctx) => bindThen(p, f, r, ctx) };
  }

  // ------------------------------------------------------------ gapi.load

  const libraries = {
    client() {
      if (gapi.client && gapi.client.__emulator) return;
      gapi.client = { __emulator: true, init, load, request, newBatch: () => new Batch(), setApiKey, setToken, getToken };
      gapi.auth = Object.assign(gapi.auth || {}, { getToken, setToken });
    },
  };

  /**
   * load(libraries, callbackOrConfig): "client" (or "client:…" lists of
   * libraries the emulator has) loads asynchronously, then calls back.
   * Another library fails through onerror: the emulator has only client.
   */
  function loadLibraries(names, callbackOrConfig) {
    const cfg = typeof callbackOrConfig === 'function' ? { callback: callbackOrConfig } : callbackOrConfig || {};
    const wanted = String(names || '').split(':').filter(Boolean);
    const missing = wanted.filter((n) => !libraries[n]);
    let timedOut = false;
    let timer = 0;
    if (typeof cfg.timeout === 'number' && typeof cfg.ontimeout === 'function') {
      timer = setTimeout(() => {
        timedOut = true;
        cfg.ontimeout();
      }, cfg.timeout);
    }
    setTimeout(() => {
      if (timedOut) return;
      clearTimeout(timer);
      if (missing.length) {
        const err = new Error('gapi.load: the emulator has no library ' + missing.join(', ') + ' (it offers client)');
        if (typeof cfg.onerror === 'function') cfg.onerror(err);
        else console.error(err.message);
        return;
      }
      for (const n of wanted) libraries[n]();
      if (typeof cfg.callback === 'function') cfg.callback();
    }, 0);
  }

  gapi.load = loadLibraries;
})("__EMULATOR_ORIGIN__");
