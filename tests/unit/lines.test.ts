import { describe, expect, it } from 'vitest';
import { shiftLines, skippedRecordLines } from '../../src/lib/ingest/lines';

describe('physical line numbers past blank and empty rows', () => {
  it('finds blank lines and all-empty rows after the header, not inside quotes', () => {
    const text = 'a;b\r\nx;1\r\n\r\n;;\r\ny;"p\r\n\r\nq"\r\n z ;2\r\n\r\n';
    // 1 header, 2 x, 3 blank, 4 ;; , 5-7 y (quoted newlines, one blank inside quotes), 8 z, 9 blank (trailing)
    expect(skippedRecordLines(text, ';', 0)).toEqual([3, 4, 9]);
    expect(skippedRecordLines('title\n\na,b\n,\nx,1\n', ',', 2)).toEqual([4]);
  });
  it('shifts each line past the skipped ones, in order', () => {
    // numbered without skipped records: x=2, y=3, z=5 (y spans 3 lines) → physical x=2, y=5, z=8
    expect(shiftLines([2, 3, 6], [3, 4, 9])).toEqual([2, 5, 8]);
    expect(shiftLines([2], [2, 3])).toEqual([4]);
    expect(shiftLines([5], [])).toEqual([5]);
  });
});
