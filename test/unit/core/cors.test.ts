import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  browserEndpointAdvice,
  checkBrowserPut,
  corsRuleJson,
  corsRuleXml,
  preflightHeaderNames,
  wildcardMatch,
  type CorsRule,
} from '../../../src/core/cors';

const signed = { 'Content-Type': 'image/png', 'x-amz-meta-owner': 'ana', 'Cache-Control': 'no-cache' };
const origin = 'http://localhost:3000';

describe('browser CORS preflight', () => {
  it('lists the non-safelisted headers a browser asks for, lower-cased', () => {
    assert.deepEqual(preflightHeaderNames(signed), ['cache-control', 'content-type', 'x-amz-meta-owner']);
    // text/plain is a safelisted Content-Type: the browser does not ask for it.
    assert.deepEqual(preflightHeaderNames({ 'Content-Type': 'text/plain; charset=utf-8', Accept: '*/*' }), []);
  });

  it('matches wildcards in origins (case-sensitive) and headers (case-insensitive)', () => {
    assert.equal(wildcardMatch('https://*.example.com', 'https://app.example.com'), true);
    assert.equal(wildcardMatch('https://*.example.com', 'http://app.example.com'), false);
    assert.equal(wildcardMatch('*', 'http://localhost:3000'), true);
    assert.equal(wildcardMatch('http://LOCALHOST:3000', 'http://localhost:3000'), false);
    assert.equal(wildcardMatch('x-amz-meta-*', 'X-Amz-Meta-Owner', true), true);
    assert.equal(wildcardMatch('Content-Type', 'content-type', true), true);
    assert.equal(wildcardMatch('a.b', 'axb'), false);
  });

  it('passes with a rule allowing origin, method and every header', () => {
    const rules: CorsRule[] = [
      {
        allowedOrigins: ['http://localhost:*'],
        allowedMethods: ['GET', 'PUT'],
        allowedHeaders: ['content-type', 'cache-control', 'x-amz-meta-*'],
        exposeHeaders: ['ETag'],
      },
    ];
    const v = checkBrowserPut(rules, { origin, headers: signed });
    assert.equal(v.allowed, true);
    assert.equal(v.ruleIndex, 0);
    assert.deepEqual(v.notes, []);
    assert.equal(v.suggestedRule, undefined);
  });

  it('passes with AllowedHeader * and notes an unexposed ETag', () => {
    const v = checkBrowserPut([{ allowedOrigins: ['*'], allowedMethods: ['put'], allowedHeaders: ['*'] }], {
      origin,
      headers: signed,
    });
    assert.equal(v.allowed, true);
    assert.match(v.notes[0], /ETag/);
  });

  it('fails on a missing metadata header and suggests a rule that includes it', () => {
    const rules: CorsRule[] = [
      {
        id: 'web',
        allowedOrigins: [origin],
        allowedMethods: ['PUT'],
        allowedHeaders: ['content-type', 'cache-control'],
      },
    ];
    const v = checkBrowserPut(rules, { origin, headers: signed });
    assert.equal(v.allowed, false);
    assert.deepEqual(v.reasons, ['Rule 1 ("web") does not allow the header x-amz-meta-owner.']);
    assert.deepEqual(v.suggestedRule?.allowedHeaders, ['cache-control', 'content-type', 'x-amz-meta-owner']);
    // The suggestion passes the same check.
    assert.equal(checkBrowserPut([v.suggestedRule!], { origin, headers: signed }).allowed, true);
  });

  it('fails on origin and method, rule by rule, and without rules', () => {
    const v = checkBrowserPut(
      [
        { allowedOrigins: ['https://example.com'], allowedMethods: ['PUT'], allowedHeaders: ['*'] },
        { allowedOrigins: ['*'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: ['*'] },
      ],
      { origin, headers: signed },
    );
    assert.equal(v.allowed, false);
    assert.match(v.reasons[0], /does not allow the origin http:\/\/localhost:3000/);
    assert.match(v.reasons[1], /does not allow PUT/);
    assert.match(checkBrowserPut([], { origin, headers: signed }).reasons[0], /no CORS rules/);
  });

  it('applies the first matching rule, noting an earlier rule for the same origin that refuses', () => {
    const v = checkBrowserPut(
      [
        { allowedOrigins: ['*'], allowedMethods: ['GET'] },
        { allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['*'], exposeHeaders: ['etag'] },
      ],
      { origin, headers: {} },
    );
    assert.equal(v.ruleIndex, 1);
    assert.deepEqual(v.notes, [
      'Rule 1 also matches this origin but refuses the request, and comes first: servers that check only the first rule for an origin (Ceph radosgw) refuse it. Move rule 2 before it.',
    ]);
    const clean = checkBrowserPut(
      [
        { allowedOrigins: ['https://other'], allowedMethods: ['GET'] },
        { allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['*'], exposeHeaders: ['etag'] },
      ],
      { origin, headers: {} },
    );
    assert.deepEqual(clean.notes, []);
  });

  it('renders the suggested rule as XML and as aws-cli JSON', () => {
    const rule: CorsRule = {
      allowedOrigins: ['http://a&b'],
      allowedMethods: ['PUT'],
      allowedHeaders: ['content-type'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 600,
    };
    assert.equal(
      corsRuleXml(rule),
      '<CORSRule>\n  <AllowedOrigin>http://a&amp;b</AllowedOrigin>\n  <AllowedMethod>PUT</AllowedMethod>\n  <AllowedHeader>content-type</AllowedHeader>\n  <ExposeHeader>ETag</ExposeHeader>\n  <MaxAgeSeconds>600</MaxAgeSeconds>\n</CORSRule>',
    );
    assert.deepEqual(JSON.parse(corsRuleJson(rule)), {
      AllowedOrigins: ['http://a&b'],
      AllowedMethods: ['PUT'],
      AllowedHeaders: ['content-type'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 600,
    });
  });

  it('suggests a custom domain for OSS default domains only', () => {
    assert.match(
      browserEndpointAdvice('oss', 'https://oss-cn-hangzhou.aliyuncs.com', 'virtual') ?? '',
      /custom domain.*cname/,
    );
    assert.equal(browserEndpointAdvice('oss', 'https://static.example.com', 'cname'), undefined);
    assert.equal(browserEndpointAdvice('s3', 'https://s3.amazonaws.com', 'virtual'), undefined);
  });
});
