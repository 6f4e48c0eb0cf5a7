import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { anonymous, signedIn, userWithRole, type RestCaller } from './contentClient.js';

/** A 2×3 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGP8z8DwnwEJMKFzAC0kAwN0K0NjAAAAAElFTkSuQmCC',
  'base64',
);

function multipart(
  fileName: string,
  bytes: Buffer,
  type: string,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), fileName);
  return form;
}

const raw = (
  caller: RestCaller,
  bytes: Buffer | string,
  headers: Record<string, string>,
  query = '',
) =>
  caller.call('POST', `/wp/v2/media${query}`, undefined, {
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    headers,
  });

describe.each(STORES)('REST wp/v2/media and uploaded files, SPEC §9 ($name)', (store) => {
  let server: TestServer;
  let admin: RestCaller;
  let editor: Awaited<ReturnType<typeof userWithRole>>;
  let author: Awaited<ReturnType<typeof userWithRole>>;
  let contributor: Awaited<ReturnType<typeof userWithRole>>;
  let subscriber: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { bodyLimitBytes: '65536' } });
    admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    editor = await userWithRole(server, 'eddie', 'editor');
    author = await userWithRole(server, 'annie', 'author');
    contributor = await userWithRole(server, 'connie', 'contributor');
    subscriber = await userWithRole(server, 'sub', 'subscriber');
  });
  afterAll(() => server?.close());

  it('uploads by multipart, then serves the same bytes with the right type and a sandbox', async () => {
    const created = await admin.call('POST', '/wp/v2/media', undefined, {
      body: multipart('My Photo.png', PNG, 'image/png', {
        title: 'A photo',
        alt_text: 'Two by three <b>pixels</b>',
        caption: 'Tiny',
      }),
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.url}/wp-json/wp/v2/media/${id}`);
    const month = new Date(server.clock.now).toISOString().slice(0, 7).replace('-', '/');
    const url = `${server.url}/wp-content/uploads/${month}/My-Photo.png`;
    expect(created.json).toMatchObject({
      id,
      slug: 'a-photo',
      status: 'inherit',
      type: 'attachment',
      title: { raw: 'A photo', rendered: 'A photo' },
      author: 1,
      alt_text: 'Two by three pixels',
      caption: { raw: 'Tiny', rendered: '<p>Tiny</p>\n' },
      media_type: 'image',
      mime_type: 'image/png',
      media_details: { width: 2, height: 3, file: `${month}/My-Photo.png`, filesize: PNG.length },
      post: null,
      source_url: url,
      guid: { rendered: url, raw: url },
      missing_image_sizes: [],
    });
    expect(Object.keys(created.json)).toEqual([
      'id',
      'date',
      'date_gmt',
      'guid',
      'modified',
      'modified_gmt',
      'slug',
      'status',
      'type',
      'link',
      'title',
      'author',
      'comment_status',
      'ping_status',
      'template',
      'meta',
      'permalink_template',
      'generated_slug',
      'description',
      'caption',
      'alt_text',
      'media_type',
      'mime_type',
      'media_details',
      'post',
      'source_url',
      'missing_image_sizes',
      '_links',
    ]);

    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe('sandbox');

    const view = await anonymous(server).call('GET', `/wp/v2/media/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.title).toEqual({ rendered: 'A photo' });
    expect(view.json).not.toHaveProperty('missing_image_sizes');
  });

  it('uploads a raw body named by Content-Disposition, keeping every byte', async () => {
    const first = await raw(author, PNG, {
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename="holiday snap.png"',
    });
    expect(first.status).toBe(201);
    expect(first.json.source_url).toMatch(/\/holiday-snap\.png$/);
    expect(first.json.author).toBe(author.id);
    const second = await raw(author, PNG, {
      'content-type': 'application/octet-stream',
      'content-disposition': "attachment; filename*=UTF-8''holiday%20snap.png",
    });
    expect(second.status).toBe(201);
    expect(second.json.source_url).toMatch(/\/holiday-snap-1\.png$/);
    expect(second.json.mime_type).toBe('image/png');

    const text = Buffer.from([0x68, 0x69, 0x0a, 0xff, 0xfe, 0x00, 0x41]);
    const note = await raw(author, text, {
      'content-type': 'text/plain',
      'content-disposition': 'attachment; filename=notes.txt',
      'content-md5': createHash('md5').update(text).digest('hex'),
    });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ media_type: 'file', mime_type: 'text/plain' });
    expect(note.json.media_details).toEqual({ filesize: text.length, sizes: {} });
    const served = await fetch(note.json.source_url);
    expect(Buffer.from(await served.arrayBuffer()).equals(text)).toBe(true);
    expect(served.headers.get('content-type')).toBe('text/plain');
    expect(served.headers.get('content-security-policy')).toBe('sandbox');

    const pdf = await raw(author, Buffer.from('%PDF-1.4\n%…\n'), {
      'content-type': 'application/pdf',
      'content-disposition': 'attachment; filename="report.pdf"',
    });
    expect(pdf.status).toBe(201);
    const head = await fetch(pdf.json.source_url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/pdf');
  });

  it('refuses HTML, SVG, PHP and files whose bytes lie about their type', async () => {
    const html = await admin.call('POST', '/wp/v2/media', undefined, {
      body: multipart('page.html', Buffer.from('<script>alert(1)</script>'), 'text/html'),
    });
    expect(html.status).toBe(400);
    expect(html.json).toEqual({
      code: 'rest_upload_unknown_error',
      message: 'Sorry, you are not allowed to upload this file type.',
      data: { status: 400 },
    });
    const cases: Array<[string, string, Buffer | string]> = [
      ['image/svg+xml', 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['application/x-php', 'shell.php', '<?php echo 1; ?>'],
      ['text/html', 'index.html', '<h1>hi</h1>'],
      ['image/png', 'shell.php', PNG],
      ['image/png', 'fake.png', '<html><script>alert(1)</script>'],
      ['text/plain', 'page.txt', '<!doctype html><script>alert(1)</script>'],
    ];
    for (const [type, name, bytes] of cases) {
      const refused = await raw(admin, Buffer.from(bytes), {
        'content-type': type,
        'content-disposition': `attachment; filename="${name}"`,
      });
      expect(refused.status, name).toBe(400);
      expect(refused.json.code, name).toBe('rest_upload_sideload_error');
    }
    // Nothing was stored, so nothing is served.
    const list = await admin.call('GET', '/wp/v2/media?search=shell&per_page=100');
    expect(list.json).toEqual([]);
  });

  it('checks the upload request like WordPress', async () => {
    const noData = await raw(author, Buffer.alloc(0), {
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename=a.png',
    });
    expect(noData.json).toEqual({
      code: 'rest_upload_no_data',
      message: 'No data supplied.',
      data: { status: 400 },
    });
    const noDisposition = await raw(author, PNG, { 'content-type': 'image/png' });
    expect(noDisposition.json.code).toBe('rest_upload_no_content_disposition');
    const badDisposition = await raw(author, PNG, {
      'content-type': 'image/png',
      'content-disposition': 'attachment',
    });
    expect(badDisposition.json.code).toBe('rest_upload_invalid_disposition');
    const badHash = await raw(author, PNG, {
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename=a.png',
      'content-md5': '0'.repeat(32),
    });
    expect(badHash.status).toBe(412);
    expect(badHash.json.code).toBe('rest_upload_hash_mismatch');
    const emptyForm = new FormData();
    emptyForm.set('title', 'no file');
    const noFile = await author.call('POST', '/wp/v2/media', undefined, { body: emptyForm });
    expect(noFile.json.code).toBe('rest_upload_no_data');
    const tooBig = await raw(author, Buffer.alloc(70_000, 1), {
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename=big.png',
    });
    expect(tooBig.status).toBe(413);
    const tooBigForm = await author.call('POST', '/wp/v2/media', undefined, {
      body: multipart('big.png', Buffer.concat([PNG, Buffer.alloc(70_000)]), 'image/png'),
    });
    expect(tooBigForm.status).toBe(413);
  });

  it('only users who may upload can, and only to posts they may edit', async () => {
    for (const [caller, status] of [
      [subscriber, 403],
      [contributor, 403],
      [anonymous(server), 401],
    ] as const) {
      const refused = await raw(caller, PNG, {
        'content-type': 'image/png',
        'content-disposition': 'attachment; filename=a.png',
      });
      expect(refused.status).toBe(status);
      expect(refused.json).toEqual({
        code: 'rest_cannot_create',
        message: 'Sorry, you are not allowed to create posts as this user.',
        data: { status },
      });
    }
    const editorsPost = await editor.call('POST', '/wp/v2/posts', { title: 'Editor draft' });
    const toOthers = await raw(
      author,
      PNG,
      { 'content-type': 'image/png', 'content-disposition': 'attachment; filename=a.png' },
      `?post=${editorsPost.json.id}`,
    );
    expect(toOthers.status).toBe(403);
    expect(toOthers.json.message).toBe('Sorry, you are not allowed to upload media to this post.');
    const viaForm = await author.call('POST', '/wp/v2/media', undefined, {
      body: multipart('a.png', PNG, 'image/png', { post: String(editorsPost.json.id) }),
    });
    expect(viaForm.status).toBe(403);
  });

  it('hides media attached to unpublished posts, updates and deletes media', async () => {
    const draft = await author.call('POST', '/wp/v2/posts', { title: 'Draft with image' });
    const attached = await raw(
      author,
      PNG,
      { 'content-type': 'image/png', 'content-disposition': 'attachment; filename=secret.png' },
      `?post=${draft.json.id}`,
    );
    expect(attached.status).toBe(201);
    expect(attached.json.post).toBe(draft.json.id);
    const id = attached.json.id;
    expect((await anonymous(server).call('GET', `/wp/v2/media/${id}`)).status).toBe(401);
    const publicList = await anonymous(server).call('GET', '/wp/v2/media?per_page=100');
    expect(publicList.json.map((m: { id: number }) => m.id)).not.toContain(id);
    const ownList = await author.call('GET', `/wp/v2/media?parent=${draft.json.id}`);
    expect(ownList.json.map((m: { id: number }) => m.id)).toEqual([id]);
    const images = await author.call('GET', '/wp/v2/media?media_type=image&per_page=100');
    expect(images.json.every((m: { media_type: string }) => m.media_type === 'image')).toBe(true);

    const updated = await author.call('POST', `/wp/v2/media/${id}`, {
      title: 'Renamed',
      alt_text: 'alt',
      description: '<p>Desc<script>x</script></p>',
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      title: { raw: 'Renamed' },
      alt_text: 'alt',
      description: { raw: '<p>Desc</p>' },
    });
    const notTheirs = await contributor.call('POST', `/wp/v2/media/${id}`, { title: 'x' });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.json.code).toBe('rest_cannot_edit');

    const noForce = await author.call('DELETE', `/wp/v2/media/${id}`);
    expect(noForce.status).toBe(501);
    expect(noForce.json).toEqual({
      code: 'rest_trash_not_supported',
      message: "The post does not support trashing. Set 'force' to true to delete.",
      data: { status: 501 },
    });
    const source = attached.json.source_url;
    expect((await fetch(source)).status).toBe(200);
    const deleted = await author.call('DELETE', `/wp/v2/media/${id}?force=true`);
    expect(deleted.json).toMatchObject({ deleted: true, previous: { id } });
    expect((await fetch(source)).status).toBe(404);
    expect((await author.call('GET', `/wp/v2/media/${id}`)).json.code).toBe('rest_post_invalid_id');
  });

  it('serves only files it stored, by safe names', async () => {
    for (const path of [
      '/wp-content/uploads/2026/11/../../../latchkey.db',
      '/wp-content/uploads/2026/11/%2e%2e%2finstallation.key',
      '/wp-content/uploads/2026/11/nothing.png',
      '/wp-content/uploads/../latchkey.db',
      '/wp-content/uploads/abcd/11/x.png',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});
