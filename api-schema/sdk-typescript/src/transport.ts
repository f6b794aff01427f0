import type { FetchAPI } from './generated/runtime';

/**
 * How the client sends a request: a `fetch`-shaped function. Browsers and Node 18+ have `fetch`; a WeChat
 * mini-program has `wx.request`, adapted by {@link wxTransport}.
 */
export type Transport = FetchAPI;

/** The platform's `fetch` (browser, Node 18+), or the one given. */
export function fetchTransport(fetchImpl?: typeof fetch): Transport {
  const f = fetchImpl ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (!f) {
    throw new Error('no fetch here: pass one, or use wxTransport(wx) in a WeChat mini-program');
  }
  return (url, init) => f(url, init);
}

/** The part of WeChat's `wx` this adapter uses (wx.request). */
export interface WxLike {
  request(options: {
    url: string;
    method?: string;
    header?: Record<string, string>;
    data?: string | ArrayBuffer;
    dataType?: string;
    responseType?: string;
    timeout?: number;
    success?: (res: { statusCode: number; header: Record<string, string>; data: unknown }) => void;
    fail?: (err: { errMsg: string }) => void;
  }): unknown;
}

/**
 * `wx.request` as a `fetch`: the body is sent as the client serialised it, the answer is read as text (no
 * JSON parsing by WeChat) and handed back as a minimal `Response` (status, headers.get, text, json).
 */
export function wxTransport(wx: WxLike, options: { timeoutMillis?: number } = {}): Transport {
  return (url, init) => new Promise<Response>((resolve, reject) => {
    const header: Record<string, string> = {};
    new HeadersLike(init?.headers as Record<string, string> | undefined).forEach((v, k) => { header[k] = v; });
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      reject(new TypeError('wxTransport sends JSON and form bodies only (material uploads: wx.uploadFile)'));
      return;
    }
    wx.request({
      url: String(url),
      method: (init?.method ?? 'GET').toUpperCase(),
      header,
      data: body === null ? undefined : body,
      dataType: 'text',
      responseType: 'text',
      timeout: options.timeoutMillis,
      success: (res) => resolve(wxResponse(res.statusCode, res.header ?? {}, res.data)),
      fail: (err) => reject(new TypeError('wx.request failed: ' + (err && err.errMsg))),
    });
  });
}

class HeadersLike {
  private readonly values: Record<string, string> = {};

  constructor(init?: Record<string, string>) {
    for (const k of Object.keys(init ?? {})) {
      this.values[k.toLowerCase()] = String((init as Record<string, string>)[k]);
    }
  }

  get(name: string): string | null {
    return this.values[name.toLowerCase()] ?? null;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  forEach(fn: (value: string, key: string) => void): void {
    for (const k of Object.keys(this.values)) {
      fn(this.values[k], k);
    }
  }
}

function wxResponse(status: number, header: Record<string, string>, data: unknown): Response {
  const text = typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data);
  const response = {
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    headers: new HeadersLike(header),
    text: async () => text,
    json: async () => JSON.parse(text),
    // The generated client hands middleware a clone; the text can be read any number of times here.
    clone: () => wxResponse(status, header, text),
  };
  return response as unknown as Response;
}
