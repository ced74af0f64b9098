import type { NextFunction, Request, Response } from 'express';

/**
 * A refusal in the OmniSales API's envelope: `{"success": false, "error": {"code", "message", "field"?}}`,
 * the failure twin of the guide's `{"success": true, "data": …}`.
 */
export class OmniApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OmniApiError';
  }

  get body(): { success: false; error: { code: string; message: string; field?: string } } {
    return { success: false, error: { code: this.code, message: this.message, ...(this.field !== undefined ? { field: this.field } : {}) } };
  }
}

export const invalid = (field: string, message: string): OmniApiError => new OmniApiError(422, 'validation_error', message, field);
export const notFound = (what: string): OmniApiError => new OmniApiError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string): OmniApiError => new OmniApiError(409, code, message);

/** The last middleware of the router: every refusal is JSON, never Express's HTML page or a stack trace. */
export function omniErrors(onUnexpected: (err: unknown) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (err instanceof OmniApiError) {
      res.status(err.status).json(err.body);
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    let out: OmniApiError;
    if (e?.type === 'entity.parse.failed') out = new OmniApiError(400, 'invalid_json', `the request body is not valid JSON (${e.message ?? 'parse error'})`);
    else if (e?.type === 'entity.too.large') out = new OmniApiError(413, 'payload_too_large', 'the request body is larger than 1 MB');
    else if (e?.status !== undefined && e.status >= 400 && e.status < 500) out = new OmniApiError(e.status, 'bad_request', e.message ?? 'bad request');
    else {
      onUnexpected(err);
      out = new OmniApiError(500, 'internal_error', 'internal error; see the serve terminal');
    }
    res.status(out.status).json(out.body);
  };
}
