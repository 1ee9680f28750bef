/**
 * Error types of the core. Every `message` is safe to show a user: it says what to do next and never
 * contains a secret, a signature or a full presigned URL. `name` is set explicitly because minified
 * bundles mangle class names.
 */
export class StorageError extends Error {
  /** Stable machine-readable code, e.g. `InvalidExpiry`, `SignatureDoesNotMatch`, `NetworkError`. */
  readonly code: string;
  /** Extra context for logs (never secrets). */
  readonly details?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    if (options?.details) this.details = options.details;
  }
}

/** Invalid input or configuration: nothing was sent. */
export class ConfigError extends StorageError {
  /** The option at fault, e.g. `expiresSeconds`, `bucket`. */
  readonly field: string;

  constructor(field: string, code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details ? { details } : undefined);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/** The service answered with an error status (parsed from its XML body where there is one). */
export class ServiceError extends StorageError {
  readonly status: number;
  readonly requestId?: string;
  /** OSS error "EC" diagnostic code. */
  readonly ec?: string;
  /** The raw XML error body, for the signature doctor (contains no secret: the server never has it). */
  readonly body?: string;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    ec?: string | undefined;
    body?: string | undefined;
    details?: Record<string, unknown>;
  }) {
    super(init.code, init.message, init.details ? { details: init.details } : undefined);
    this.name = 'ServiceError';
    this.status = init.status;
    if (init.requestId) this.requestId = init.requestId;
    if (init.ec) this.ec = init.ec;
    if (init.body) this.body = init.body;
  }
}

/** The request did not get an HTTP answer: DNS, refused, reset, TLS, timeout. */
export class NetworkError extends StorageError {
  constructor(code: string, message: string, cause?: unknown, details?: Record<string, unknown>) {
    super(code, message, { cause, details });
    this.name = 'NetworkError';
  }
}

/** The operation was cancelled by the user (AbortSignal). Not shown as an error. */
export class CancelledError extends StorageError {
  constructor(message = 'Cancelled.') {
    super('Cancelled', message);
    this.name = 'CancelledError';
  }
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');
}
