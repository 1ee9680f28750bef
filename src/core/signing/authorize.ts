/**
 * Header authentication of API requests (ListBuckets, ListObjectsV2, multipart, ...): one entry point over
 * the three signers, so the HTTP layer does not need to know which dialect a profile speaks.
 */
import { DIALECTS, dialectOf, type AuthorizeHeaderRequest, type Authorization } from './dialect';
import type { Provider, SignatureVersion } from '../types';

export type { Authorization } from './dialect';

export interface AuthorizeInput extends AuthorizeHeaderRequest {
  provider: Provider;
  signatureVersion: SignatureVersion;
}

/** Signs `input` in its profile's dialect: returns the headers to add and the steps (pure: the date is an input). */
export function authorizeRequest(input: AuthorizeInput): Authorization {
  return DIALECTS[dialectOf(input.provider, input.signatureVersion)].authorize(input);
}
