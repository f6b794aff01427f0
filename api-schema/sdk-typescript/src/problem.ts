import type { Middleware, ResponseContext } from './generated/runtime';

/** One wrong field of a request: a JSON Pointer into the request body, a stable code and a message. */
export interface Violation {
  pointer: string;
  code: string;
  message: string;
}

/**
 * An error answer of the platform: its application/problem+json body (RFC 9457) as a typed error. Every
 * non-2xx answer is thrown as one, so `catch (e) { if (e instanceof ApiProblem && e.code === 'validation-failed') … }`.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly traceId?: string;
  readonly violations: Violation[];
  /** The problem body as sent, with any extension members (e.g. `retryAfter`). */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.detail ?? body.title ?? `HTTP ${status}`));
    this.name = 'ApiProblem';
    Object.setPrototypeOf(this, ApiProblem.prototype);
    this.status = status;
    this.body = body;
    this.code = String(body.code ?? 'http-' + status);
    this.type = String(body.type ?? 'about:blank');
    this.title = String(body.title ?? '');
    this.detail = body.detail === undefined ? undefined : String(body.detail);
    this.traceId = body.traceId === undefined ? undefined : String(body.traceId);
    this.violations = Array.isArray(body.violations) ? (body.violations as Violation[]) : [];
  }
}

/** Turns every non-2xx answer into an {@link ApiProblem} (a body that is not JSON keeps its text as `detail`). */
export const problemMiddleware: Middleware = {
  async post(context: ResponseContext): Promise<Response | void> {
    const response = context.response;
    if (response.status >= 200 && response.status < 300) {
      return response;
    }
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch (e) {
      body = { status: response.status, detail: text };
    }
    throw new ApiProblem(response.status, body);
  },
};
