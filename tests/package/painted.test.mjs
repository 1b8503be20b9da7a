// The painted-pixels measure the install test relies on, on PNGs made here and on a committed screenshot.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { paintedShare } from './painted.mjs';

function chunk(type, body) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]);
}

/** A width×height RGB PNG whose pixel (x, y) is colour(x, y), each row Sub-filtered to exercise the filters. */
function png(width, height, colour) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = [1];
    let previous = [0, 0, 0];
    for (let x = 0; x < width; x += 1) {
      const rgb = colour(x, y);
      row.push(...rgb.map((value, i) => (value - previous[i]) & 0xff));
      previous = rgb;
    }
    rows.push(Buffer.from(row));
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('a blank picture has nothing painted', () => {
  assert.equal(paintedShare(png(40, 30, () => [255, 255, 255])), 0);
});

test('the share counts the pixels unlike the background', () => {
  const quarter = png(40, 40, (x, y) => (x < 20 && y < 20 ? [20, 30, 200] : [250, 250, 250]));
  assert.equal(paintedShare(quarter), 0.25);
});

test("the welcome page's committed screenshot is well painted", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const share = paintedShare(readFileSync(join(root, 'docs/screenshots/welcome-light.png')));
  assert.ok(share > 0.2, `only ${share} of the welcome page is painted`);
});
