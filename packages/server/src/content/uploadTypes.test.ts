import { describe, expect, it } from 'vitest';
import { imageSize, numberedFileName, sanitizeFileName, uploadTypeOf } from './uploadTypes.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGP8z8DwnwEJMKFzAC0kAwN0K0NjAAAAAElFTkSuQmCC',
  'base64',
);

describe('uploadTypeOf', () => {
  it('takes the type from the extension and checks the bytes agree', () => {
    expect(uploadTypeOf('a.png', PNG)).toBe('image/png');
    expect(uploadTypeOf('a.PNG', PNG)).toBe('image/png');
    expect(uploadTypeOf('a.jpg', PNG)).toBeUndefined();
    expect(uploadTypeOf('a.pdf', Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(uploadTypeOf('a.pdf', Buffer.from('<html>'))).toBeUndefined();
    expect(uploadTypeOf('notes.txt', Buffer.from('hello'))).toBe('text/plain');
  });

  it('refuses anything a browser or server could run', () => {
    for (const name of ['a.html', 'a.htm', 'a.svg', 'a.php', 'a.js', 'a.xml', 'a.exe', 'noext'])
      expect(uploadTypeOf(name, Buffer.from('x')), name).toBeUndefined();
    expect(uploadTypeOf('a.txt', Buffer.from('  <!DOCTYPE html><script>'))).toBeUndefined();
    expect(uploadTypeOf('a.txt', Buffer.from('<svg onload=alert(1)>'))).toBeUndefined();
  });
});

describe('sanitizeFileName (WordPress sanitize_file_name, stricter)', () => {
  it('keeps the base name and safe characters only', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\My Photo (1).PNG')).toBe('My-Photo-1.png');
    expect(sanitizeFileName('"><img src=x>.jpg')).toBe('img-srcx.jpg');
    expect(sanitizeFileName('...hidden.txt')).toBe('hidden.txt');
    expect(sanitizeFileName('café.jpg')).toBe('café.jpg');
    expect(sanitizeFileName('%%%.png')).toBe('unnamed-file.png');
  });

  it('neutralises inner extensions that are not allowed', () => {
    expect(sanitizeFileName('shell.php.jpg')).toBe('shell.php_.jpg');
    expect(sanitizeFileName('photo.final.jpg')).toBe('photo.final_.jpg');
    expect(sanitizeFileName('photo.2024.jpg')).toBe('photo.2024.jpg');
    expect(sanitizeFileName('a.png.jpg')).toBe('a.png.jpg');
  });

  it('numbers names that are taken', () => {
    expect(numberedFileName('a.png', 0)).toBe('a.png');
    expect(numberedFileName('a.png', 2)).toBe('a-2.png');
    expect(numberedFileName('readme', 1)).toBe('readme-1');
  });
});

describe('imageSize', () => {
  it('reads PNG and GIF headers', () => {
    expect(imageSize('image/png', PNG)).toEqual({ width: 2, height: 3 });
    const gif = Buffer.from('R0lGODlhBQAHAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
    expect(imageSize('image/gif', gif)).toEqual({ width: 5, height: 7 });
    expect(imageSize('image/png', Buffer.from('short'))).toBeUndefined();
  });
});
