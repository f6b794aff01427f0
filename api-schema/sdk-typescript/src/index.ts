import { Configuration, Middleware } from './generated/runtime';
import {
  ApplicationsApi, AuthApi, CalendarApi, HallApi, IdentityApi, LicencesApi, LifeEventsApi, MaterialsApi,
  MattersApi, RatingsApi, SystemApi,
} from './generated/apis';
import { problemMiddleware } from './problem';
import { Transport, fetchTransport } from './transport';

export * from './generated';
export { ApiProblem, Violation, problemMiddleware } from './problem';
export { Transport, WxLike, fetchTransport, wxTransport } from './transport';

/** What a client needs: where the platform is, how to send, and (once signed in) the bearer token. */
export interface ClientOptions {
  /** The platform's address, e.g. https://tongban.example.gov.cn (no trailing /api/v1: the paths carry it). */
  baseUrl: string;
  /** fetchTransport() (the default) or wxTransport(wx). */
  transport?: Transport;
  /** The access token, or a function asked before each request (so a refreshed token is picked up). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Accept-Language: zh-CN (the default) or en. */
  language?: string;
  middleware?: Middleware[];
}

/** A new Idempotency-Key: retries with the same key and body make one case, never two. */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c && typeof c.randomUUID === 'function') {
    return c.randomUUID();
  }
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) => {
    const r = (Math.random() * 16) | 0;
    return (ch === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

/** The REST client: one generated API object per tag, sharing one configuration. */
export function createClient(options: ClientOptions) {
  const token = options.token;
  const headers: Middleware = {
    async pre(context) {
      const h = { ...(context.init.headers as Record<string, string> | undefined) };
      h['Accept-Language'] = h['Accept-Language'] ?? options.language ?? 'zh-CN';
      const t = typeof token === 'function' ? await token() : token;
      if (t && !h['Authorization']) {
        h['Authorization'] = 'Bearer ' + t;
      }
      return { url: context.url, init: { ...context.init, headers: h } };
    },
  };
  const configuration = new Configuration({
    basePath: options.baseUrl.replace(/\/+$/, ''),
    fetchApi: options.transport ?? fetchTransport(),
    middleware: [headers, ...(options.middleware ?? []), problemMiddleware],
  });
  return {
    configuration,
    auth: new AuthApi(configuration),
    identity: new IdentityApi(configuration),
    matters: new MattersApi(configuration),
    applications: new ApplicationsApi(configuration),
    materials: new MaterialsApi(configuration),
    licences: new LicencesApi(configuration),
    calendar: new CalendarApi(configuration),
    halls: new HallApi(configuration),
    ratings: new RatingsApi(configuration),
    lifeEvents: new LifeEventsApi(configuration),
    system: new SystemApi(configuration),
  };
}

export type TongbanClient = ReturnType<typeof createClient>;
