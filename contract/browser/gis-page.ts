// The page side of the GIS contract: google.accounts.oauth2 used exactly as
// @types/google.accounts types it (tsc -p contract/browser type-checks it and
// emits build/gis-page.js), run in Chromium against the emulator's
// /gsi/client by gis.spec.ts. What it sees goes into window.contract.

const CLIENT_ID = 'contract-suite.apps.googleusercontent.com';
const CAL = 'https://www.googleapis.com/auth/calendar.readonly';
const DOCS = 'https://www.googleapis.com/auth/documents.readonly';

interface InitError {
  parameter: string;
  message: string;
  type: string | undefined;
  isTypeError: boolean;
}

interface ContractState {
  loadCalls: number;
  initErrors: InitError[];
  responses: google.accounts.oauth2.TokenResponse[];
  grantedAllCal: boolean[];
  grantedAnyDocs: boolean[];
  errors: google.accounts.oauth2.ClientConfigError[];
  codes: google.accounts.oauth2.CodeResponse[];
  revoke(token: string): Promise<void>;
  listEvents(token: string): Promise<{ status: number; items: number }>;
}

interface Window {
  onGoogleLibraryLoad?: () => void;
  contract: ContractState;
}

window.contract = {
  loadCalls: 0,
  initErrors: [],
  responses: [],
  grantedAllCal: [],
  grantedAnyDocs: [],
  errors: [],
  codes: [],
  // Typed as revoke(accessToken, done: () => void): done takes no argument.
  revoke: (token) => new Promise<void>((resolve) => google.accounts.oauth2.revoke(token, () => resolve())),
  // "Using REST and CORS": the page calls the API with the token itself.
  async listEvents(token) {
    const res = await fetch('https://www.googleapis.com/calendar/v3/calendars/primary/events?maxResults=5', {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { items?: unknown[] };
    return { status: res.status, items: body.items?.length ?? 0 };
  },
};

function button(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no #${id}`);
  return el;
}

window.onGoogleLibraryLoad = () => {
  const c = window.contract;
  c.loadCalls++;
  const oauth2 = google.accounts.oauth2;

  // Missing required parameters: GIS throws an Error apps can match.
  const broken: Array<[string, object]> = [
    ['client_id', { scope: CAL, callback: () => undefined }],
    ['scope', { client_id: CLIENT_ID, callback: () => undefined }],
  ];
  for (const [parameter, config] of broken) {
    try {
      oauth2.initTokenClient(config as google.accounts.oauth2.TokenClientConfig);
      c.initErrors.push({ parameter, message: '(no error)', type: undefined, isTypeError: false });
    } catch (e) {
      const err = e as Error & { type?: string };
      c.initErrors.push({ parameter, message: err.message, type: err.type, isTypeError: err instanceof TypeError });
    }
  }

  const onToken = (r: google.accounts.oauth2.TokenResponse): void => {
    c.responses.push(r);
    c.grantedAllCal.push(oauth2.hasGrantedAllScopes(r, CAL));
    c.grantedAnyDocs.push(oauth2.hasGrantedAnyScope(r, DOCS));
  };
  const tokenClient: google.accounts.oauth2.TokenClient = oauth2.initTokenClient({
    client_id: CLIENT_ID,
    scope: CAL,
    callback: onToken,
    error_callback: (err) => c.errors.push(err),
  });
  button('token-cal').addEventListener('click', () => tokenClient.requestAccessToken());
  // Incremental authorization: one more scope, the earlier ones kept.
  button('token-docs').addEventListener('click', () =>
    tokenClient.requestAccessToken({ scope: DOCS, include_granted_scopes: true }),
  );
  // The deprecated hint names the account, as login_hint does.
  const hinted = oauth2.initTokenClient({ client_id: CLIENT_ID, scope: CAL, hint: 'bob@example.com', callback: onToken });
  button('token-hint').addEventListener('click', () => hinted.requestAccessToken());

  const codeClient: google.accounts.oauth2.CodeClient = oauth2.initCodeClient({
    client_id: CLIENT_ID,
    scope: CAL,
    ux_mode: 'popup',
    callback: (r) => c.codes.push(r),
  });
  button('code').addEventListener('click', () => codeClient.requestCode());
};
