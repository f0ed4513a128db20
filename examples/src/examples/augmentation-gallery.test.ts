import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { augmentationGallery, GALLERY } from './augmentation-gallery.js';

describe('augmentation-gallery --quick', () => {
  it('applies every transform and flags the ones unsafe for digits', async () => {
    const { numbers, details, html } = await runQuick(augmentationGallery);
    const table = (
      details as { transforms: { spec: string; warnings: string[]; meanAbsChange: number }[] }
    ).transforms;
    const warned = (spec: string) => table.find((t) => t.spec === spec)!.warnings.length > 0;
    expect(table.map((t) => t.spec)).toEqual(GALLERY);
    expect(warned('hflip(1)')).toBe(true);
    expect(warned('vflip(1)')).toBe(true);
    expect(warned('rotate(180)')).toBe(true);
    expect(warned('rotate(15)')).toBe(false);
    expect(warned('mnist')).toBe(false);
    expect(numbers.unchanged).toBe(0);
    expect(numbers.outOfRange).toBe(0);
    // One image per transform and digit (4 in the quick setting), plus the originals.
    expect(html![0]!.body.match(/<img /g)!.length).toBe((GALLERY.length + 1) * 4);
  });
});
