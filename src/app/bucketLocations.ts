/**
 * Where each profile's buckets live, as learnt this session: from a listing (OSS names every bucket's region and
 * endpoint; S3 `BucketRegion`), from GetBucketLocation, or from the region error of a request sent to the wrong one.
 * Holds names, regions and endpoint hosts only.
 */
import type { BucketInfo } from '../core/index';
import type { BucketLocation } from './profiles';

/** More names than any account holds: past it the map starts over rather than grow without bound. */
const MAX_ENTRIES = 10_000;

export class BucketLocations {
  private readonly known = new Map<string, BucketLocation>();

  /**
   * The bucket's location when known. `{}` (no region) means "asked, and the profile's own endpoint is the one to
   * use": a lookup that was refused is not repeated.
   */
  get(profileId: string, bucket: string): BucketLocation | undefined {
    return this.known.get(entryKey(profileId, bucket));
  }

  remember(profileId: string, bucket: string, location: BucketLocation): void {
    if (this.known.size >= MAX_ENTRIES) this.known.clear();
    const entry: BucketLocation = {};
    if (location.bucketRegion) entry.bucketRegion = location.bucketRegion;
    if (location.bucketRegion && location.bucketEndpoint) entry.bucketEndpoint = location.bucketEndpoint;
    this.known.set(entryKey(profileId, bucket), entry);
  }

  /** Remembers the buckets of a listing that named their region; the others stay unknown. */
  rememberListing(profileId: string, buckets: readonly BucketInfo[]): void {
    for (const b of buckets)
      if (b.region) this.remember(profileId, b.name, { bucketRegion: b.region, bucketEndpoint: b.extranetEndpoint });
  }

  /** Forgets everything (the profiles changed: an endpoint may now point at another service). */
  clear(): void {
    this.known.clear();
  }
}

function entryKey(profileId: string, bucket: string): string {
  return `${profileId}\u0000${bucket}`;
}
