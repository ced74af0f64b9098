export type EngineErrorCode = 'UNKNOWN_MESSAGE' | 'UNKNOWN_ENDPOINT' | 'ENDPOINT_DISABLED' | 'UNKNOWN_DEAD_LETTER' | 'ALREADY_REPLAYED';

/**
 * A management action the engine refuses (resend to an unknown or disabled endpoint...). The APIs map
 * these to 404/409; they are never about a target's behaviour, which is recorded, not thrown.
 */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}
