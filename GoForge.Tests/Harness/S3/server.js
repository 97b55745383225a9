// Starts s3rver (an S3-compatible server that verifies AWS Signature V4) for GoForge.Tests/Harness/S3Server.cs.
// Usage: S3_SECRET_ACCESS_KEY=... node server.js PORT DIRECTORY BUCKET ACCESS_KEY
// s3rver stores multipart uploads in its folder but does not serve AbortMultipartUpload or ListMultipartUploads; the
// two handlers below add them over the same folder, behind s3rver's own signature check. See
// docs/decisions/backup-storage.md.
'use strict';

const fs = require('node:fs/promises');
const path = require('node:path');
const S3rver = require('@20minutes/s3rver');
const AWSAccount = require('@20minutes/s3rver/lib/models/account');
const S3Error = require('@20minutes/s3rver/lib/models/error');
const authentication = require('@20minutes/s3rver/lib/middleware/authentication')();
const v4 = require('@20minutes/s3rver/lib/signature/v4');

const [port, directory, bucket, accessKey] = process.argv.slice(2);
const secretKey = process.env.S3_SECRET_ACCESS_KEY;
if (!accessKey || !secretKey) {
  console.error('usage: S3_SECRET_ACCESS_KEY=... node server.js PORT DIRECTORY BUCKET ACCESS_KEY');
  process.exit(2);
}

// Only the given key pair is accepted (the built-in S3RVER pair is revoked); unsigned requests are refused below.
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

// s3rver drops the trailing '/' of a bucket request's path ("/bucket/?list-type=2", as AWSSDK sends it) from the
// canonical URI it signs, so its signature never matches; sign the path as it was sent.
const sentPaths = new WeakMap();
const getStringToSign = v4.getStringToSign;
v4.getStringToSign = (canonicalRequest, request) => {
  const sent = sentPaths.get(canonicalRequest.headers);
  const uri = sent && sent.endsWith('/') && !canonicalRequest.uri.endsWith('/') ? `${canonicalRequest.uri}/` : canonicalRequest.uri;
  return getStringToSign({ ...canonicalRequest, uri }, request);
};

const uploadsOf = (name) => server.store.getResourcePath(name, undefined, 'uploads');

async function uploadsHandler(ctx) {
  const { bucket: name } = ctx.params;
  if (ctx.method === 'DELETE') {
    const uploadId = ctx.query.uploadId;
    if (!/^[0-9a-f]{1,64}$/.test(uploadId)) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
    }
    const dir = path.join(uploadsOf(name), uploadId);
    try {
      await fs.access(dir);
    } catch {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
    }
    await fs.rm(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  let ids = [];
  try {
    ids = await fs.readdir(uploadsOf(name));
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const uploads = [];
  for (const id of ids.sort()) {
    const key = await fs.readFile(path.join(uploadsOf(name), id, 'key'), 'utf8').catch(() => null);
    if (key !== null) uploads.push({ Key: key, UploadId: id });
  }
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: name,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads,
    },
  };
}

// Inserted just before s3rver's router, after its XML and error handling.
server.middleware.splice(server.middleware.length - 1, 0, async (ctx, next) => {
  const signed = 'authorization' in ctx.headers || 'X-Amz-Algorithm' in ctx.query || 'Signature' in ctx.query;
  if (!signed) {
    throw new S3Error('AccessDenied', 'Access Denied');
  }
  sentPaths.set(ctx.headers, ctx.path);
  const segments = ctx.path.split('/').slice(1);
  const isAbort = ctx.method === 'DELETE' && 'uploadId' in ctx.query && segments.length >= 2;
  const isList = ctx.method === 'GET' && 'uploads' in ctx.query && segments[0] !== '' && (segments.length === 1 || (segments.length === 2 && segments[1] === ''));
  if (!isAbort && !isList) {
    return next();
  }
  const name = decodeURIComponent(segments[0]);
  if (!(await server.store.getBucket(name))) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
  }
  ctx.params = { bucket: name };
  if (isAbort) {
    ctx.params.key = segments.slice(1).map(decodeURIComponent).join('/');
  }
  return authentication(ctx, () => {
    if (!ctx.state.account) {
      throw new S3Error('AccessDenied', 'Access Denied');
    }
    return uploadsHandler(ctx);
  });
});

server.run().then(
  () => console.log(`s3rver listening on 127.0.0.1:${port}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
