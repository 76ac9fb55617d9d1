// The emulator's stand-in for Google's GIS library: google.accounts.oauth2
// (FIDELITY.md lists what it reproduces). gsi.go writes the emulator's origin into the last line.
(function (emulatorOrigin) {
  'use strict';

  const AUTH_URL = emulatorOrigin + '/o/oauth2/v2/auth';
  const REVOKE_URL = emulatorOrigin + '/revoke';
  const POPUP_NAME = 'g_auth_token_window';
  const POLL_MS = 500;
  // Marks the popup's postMessage payload: {source, id, response}.
  const RELAY_SOURCE = 'scopewise-emulator';

  function scopeList(scope) {
    return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  }

  function hasGrantedAllScopes(response, firstScope, ...restScopes) {
    const granted = scopeList(response && response.scope);
    return [firstScope, ...restScopes].every((s) => granted.includes(s));
  }

  function hasGrantedAnyScope(response, firstScope, ...restScopes) {
    const granted = scopeList(response && response.scope);
    return [firstScope, ...restScopes].some((s) => granted.includes(s));
  }

  function scopeParam(scope) {
    return Array.isArray(scope) ? scope.join(' ') : scope;
  }

  // GIS throws an Error whose message apps match, with type
  // 'missing_required_parameter' (a real one: "Missing required parameter
  // client_id.", MomenSherif/react-oauth#174). The callback is not required
  // at init: Google's Calendar quickstart passes callback: '' and assigns
  // client.callback before requesting a token.
  function requireConfig(config) {
    for (const name of ['client_id', 'scope']) {
      const v = config ? (name === 'scope' ? scopeParam(config.scope) : config[name]) : undefined;
      if (typeof v !== 'string' || v === '') {
        const err = new Error('Missing required parameter ' + name + '.');
        err.type = 'missing_required_parameter';
        throw err;
      }
    }
  }

  // The deprecated hint and hosted_domain still work as login_hint and hd.
  function loginHint(o) {
    return o && (o.login_hint !== undefined ? o.login_hint : o.hint);
  }
  function hostedDomain(o) {
    return o && (o.hd !== undefined ? o.hd : o.hosted_domain);
  }

  // GIS reads callback and error_callback when the answer comes, so apps
  // may reassign client.callback after init.
  function reportError(client, type, message) {
    const cb = client.error_callback;
    if (typeof cb === 'function') cb({ type, message });
  }

  // A granted token also goes to gapi.client when it is on the page, as
  // GIS does: Google's Calendar quickstart calls gapi.client.getToken() and
  // the generated methods after the callback without setting it itself.
  function handToGapi(response) {
    const c = window.gapi && window.gapi.client;
    if (response && typeof response.access_token === 'string' && c && typeof c.setToken === 'function') {
      try {
        c.setToken(response);
      } catch (e) {
        // A page's own gapi.client failing must not lose the callback.
      }
    }
  }

  function reportResponse(client, response) {
    handToGapi(response);
    const cb = client.callback;
    if (typeof cb === 'function') cb(response);
  }

  // Transient user activation, for strict popup gestures: the browser's
  // own flag, and the time of the last trusted input that gives one (HTML's
  // activation-triggering input events), kept here because test tools grant
  // the flag to every script they run in the page (Playwright polling an
  // expect() would renew it forever). It lasts 5 s, as in WebKit
  // (LocalDOMWindow's defaultTransientActivationDuration) and Chromium.
  const ACTIVATION_MS = 5000;
  let lastActivation = -Infinity;
  function markActivation(event) {
    if (event.isTrusted) lastActivation = Date.now();
  }
  for (const type of ['keydown', 'mousedown', 'pointerdown', 'pointerup', 'touchend']) {
    window.addEventListener(type, markActivation, true);
  }
  function hasUserActivation() {
    const flag = typeof navigator !== 'undefined' ? navigator.userActivation : undefined;
    if (flag && !flag.isActive) return false;
    return Date.now() - lastActivation <= ACTIVATION_MS;
  }

  // One popup flow at a time, as with one named popup window: a new request
  // replaces (and silently abandons) the one in progress.
  let pending = null;

  function finish(flow) {
    clearInterval(flow.timer);
    window.removeEventListener('message', flow.onMessage);
    if (pending === flow) pending = null;
  }

  function relayId() {
    return 'auth' + crypto.getRandomValues(new Uint32Array(1))[0];
  }

  function popupFeatures() {
    const width = 500;
    const height = 600;
    const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - width) / 2));
    const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - height) / 2));
    return `width=${width},height=${height},left=${left},top=${top},resizable=yes,scrollbars=yes`;
  }

  // openPopup opens the consent popup with the query GIS sends and hands
  // the popup's answer to client.callback.
  function openPopup(client, params) {
    if (pending) finish(pending);

    const id = relayId();
    const url = new URL(AUTH_URL);
    const q = url.searchParams;
    q.set('gsiwebsdk', '3');
    q.set('client_id', params.client_id);
    q.set('scope', params.scope);
    q.set('redirect_uri', `storagerelay://${location.protocol.replace(':', '')}/${location.host}?id=${id}`);
    for (const name of ['prompt', 'login_hint', 'state', 'hd']) {
      if (typeof params[name] === 'string' && params[name] !== '') q.set(name, params[name]);
    }
    q.set('response_type', params.response_type);
    q.set('include_granted_scopes', params.include_granted_scopes === false ? 'false' : 'true');
    q.set('enable_granular_consent', 'true');
    // Not Google's: Safari opens no popup without a fresh user activation
    // (as after an await in the click handler) while Chromium under test
    // tools does. The popup answers popup_failed_to_open to such a request
    // when its emulator world has strict popup gestures on.
    if (!hasUserActivation()) q.set('emu_no_user_activation', '1');

    let popup = null;
    try {
      popup = window.open(url.toString(), POPUP_NAME, popupFeatures());
    } catch (e) {
      popup = null;
    }
    if (!popup) {
      reportError(client, 'popup_failed_to_open', 'Failed to open popup window');
      return;
    }

    const flow = { timer: 0, onMessage: null };
    flow.onMessage = (event) => {
      if (event.origin !== emulatorOrigin) return;
      const data = event.data;
      if (!data || data.source !== RELAY_SOURCE || data.id !== id) return;
      if (data.error && typeof data.error.type === 'string') {
        finish(flow);
        reportError(client, data.error.type, data.error.message);
        return;
      }
      if (typeof data.response !== 'object') return;
      finish(flow);
      reportResponse(client, data.response);
    };
    window.addEventListener('message', flow.onMessage);
    flow.timer = setInterval(() => {
      if (popup.closed) {
        finish(flow);
        reportError(client, 'popup_closed', 'Popup window closed');
      }
    }, POLL_MS);
    pending = flow;
  }

  function pick(overrides, config, name) {
    return overrides && overrides[name] !== undefined ? overrides[name] : config[name];
  }

  function pickHint(overrides, config) {
    const o = loginHint(overrides);
    return o !== undefined ? o : loginHint(config);
  }

  function initTokenClient(config) {
    requireConfig(config);
    const client = {
      callback: config.callback,
      error_callback: config.error_callback,
      // Overrides may carry scope, include_granted_scopes, prompt,
      // enable_granular_consent, login_hint and state; never client_id,
      // callback, hd or error_callback.
      requestAccessToken(overrides) {
        openPopup(client, {
          response_type: 'token',
          client_id: config.client_id,
          scope: scopeParam(pick(overrides, config, 'scope')),
          include_granted_scopes: pick(overrides, config, 'include_granted_scopes'),
          prompt: pick(overrides, config, 'prompt'),
          login_hint: pickHint(overrides, config),
          state: pick(overrides, config, 'state'),
          hd: hostedDomain(config),
        });
      },
    };
    return client;
  }

  // initCodeClient is here for contrast with the token model. Popup mode
  // only; the code it delivers cannot be exchanged (there is no /token).
  function initCodeClient(config) {
    requireConfig(config);
    if (config.ux_mode && config.ux_mode !== 'popup') {
      throw new Error('initCodeClient: the emulator supports ux_mode "popup" only');
    }
    const client = {
      callback: config.callback,
      error_callback: config.error_callback,
      requestCode() {
        openPopup(client, {
          response_type: 'code',
          client_id: config.client_id,
          scope: scopeParam(config.scope),
          include_granted_scopes: config.include_granted_scopes,
          prompt: config.select_account ? 'select_account' : undefined,
          login_hint: loginHint(config),
          state: config.state,
          hd: hostedDomain(config),
        });
      },
    };
    return client;
  }

  // revoke ends the whole grant the token belongs to.
  function revoke(accessToken, done) {
    const report = typeof done === 'function' ? done : () => {};
    fetch(REVOKE_URL, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      body: new URLSearchParams({ token: String(accessToken) }),
    }).then(
      async (res) => {
        if (res.ok) {
          report({ successful: true });
          return;
        }
        let body = {};
        try {
          body = await res.json();
        } catch (e) {
          body = {};
        }
        report({
          successful: false,
          error: body.error || 'unknown_error',
          error_description: body.error_description || `HTTP ${res.status}`,
        });
      },
      (err) => {
        report({ successful: false, error: 'network_error', error_description: String((err && err.message) || err) });
      },
    );
  }

  window.google = window.google || {};
  window.google.accounts = window.google.accounts || {};
  window.google.accounts.oauth2 = {
    initTokenClient,
    initCodeClient,
    hasGrantedAllScopes,
    hasGrantedAnyScope,
    revoke,
  };
  // GIS calls window.onGoogleLibraryLoad once the library is ready.
  if (typeof window.onGoogleLibraryLoad === 'function') window.onGoogleLibraryLoad();
})("__EMULATOR_ORIGIN__");
