import { createHash } from 'node:crypto';
import type {} from '@fastify/multipart';
import { ContentError } from '../../../../content/index.js';
import { HttpError } from '../../../errors.js';
import { validateArgs } from '../../args.js';
import type { RestRequest } from '../../registry.js';
import { WRITE_SPECS } from './specs.js';

/**
 * The file name from `Content-Disposition` (WordPress's get_filename_from_disposition), with
 * RFC 5987's `filename*=UTF-8''…` preferred when present.
 */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header || !header.includes(';')) return undefined;
  const params = new Map<string, string>();
  for (const part of header.slice(header.indexOf(';') + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const extended = /^utf-8''(.+)$/i.exec(params.get('filename*') ?? '');
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!);
    } catch {
      // Fall back to the plain parameter.
    }
  }
  let name = params.get('filename')?.trim();
  if (!name) return undefined;
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  return name || undefined;
}

export interface Upload {
  fileName: string;
  bytes: Buffer;
  via: 'multipart' | 'raw';
}

function checkMd5(req: RestRequest, bytes: Buffer): void {
  const expected = req.raw.headers['content-md5'];
  if (typeof expected !== 'string' || expected.trim() === '') return;
  if (createHash('md5').update(bytes).digest('hex') !== expected.trim().toLowerCase())
    throw new HttpError(412, 'rest_upload_hash_mismatch', 'Content hash did not match expected.');
}

const noData = () => new HttpError(400, 'rest_upload_no_data', 'No data supplied.');

/**
 * The uploaded file: from a multipart body (its other fields join the arguments) or from a raw
 * body named by `Content-Disposition`, in WordPress's order of checks.
 */
export async function readUpload(req: RestRequest): Promise<Upload> {
  const request = req.raw;
  if (request.isMultipart()) {
    const fields: Record<string, string> = {};
    let file: { fileName: string; bytes: Buffer } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          file ??= { fileName: part.filename, bytes };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (error) {
      // Limits (413) keep their status; a body that is not a well-formed form holds no file.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) throw error;
      throw noData();
    }
    Object.assign(req.args, validateArgs(WRITE_SPECS, fields));
    if (!file || file.bytes.length === 0) throw noData();
    checkMd5(req, file.bytes);
    return { ...file, via: 'multipart' };
  }
  const body: unknown = request.body;
  const bytes = Buffer.isBuffer(body)
    ? body
    : typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : body && typeof body === 'object' && Object.keys(body).length > 0
        ? Buffer.from(JSON.stringify(body))
        : Buffer.alloc(0);
  if (bytes.length === 0) throw noData();
  if (!request.headers['content-type'])
    throw new HttpError(400, 'rest_upload_no_content_type', 'No Content-Type supplied.');
  const disposition = request.headers['content-disposition'];
  if (!disposition)
    throw new HttpError(
      400,
      'rest_upload_no_content_disposition',
      'No Content-Disposition supplied.',
    );
  const fileName = fileNameFromDisposition(disposition);
  if (!fileName)
    throw new HttpError(
      400,
      'rest_upload_invalid_disposition',
      'Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename="image.png"` or similar.',
    );
  checkMd5(req, bytes);
  // A body the server parsed (JSON, a form) is not a file it can store byte for byte.
  if (!Buffer.isBuffer(body) && typeof body !== 'string')
    throw new ContentError(
      'file_type_refused',
      'Sorry, you are not allowed to upload this file type.',
    );
  return { fileName, bytes, via: 'raw' };
}
