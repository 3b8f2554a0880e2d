import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { UserError, type ErrorReason } from '../errors.js';

/** An upload is at most 5 MiB: a province's counties' workbook is well under 1 MiB. */
export const MAX_WORKBOOK_BYTES = 5 * 1024 * 1024;
/** What its parts may inflate to, in all: past this it is a zip bomb, not a report. */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const MAX_ENTRIES = 2_000;

/**
 * Opens an uploaded workbook, refusing with BAD_USER_INPUT (and a `reason`) before the
 * spreadsheet parser sees anything it should not: over the size limit (TOO_LARGE), not a
 * zip or not an XLSX package (NOT_A_WORKBOOK), or parts that inflate past the limit
 * (ZIP_BOMB). The inflated size is counted by streaming every part through the inflater and
 * stopping at the limit, so a central directory that understates sizes gains nothing.
 */
export async function openWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  if (bytes.length > MAX_WORKBOOK_BYTES) {
    throw refused(
      'TOO_LARGE',
      `文件超过 ${MAX_WORKBOOK_BYTES} 字节`,
      `over ${MAX_WORKBOOK_BYTES} bytes`,
    );
  }
  const notWorkbook = refused(
    'NOT_A_WORKBOOK',
    '不是 Excel 工作簿（.xlsx）',
    'not an Excel workbook (.xlsx)',
  );
  // Every XLSX is a zip, which starts with a local file header.
  if (bytes.subarray(0, 4).toString('latin1') !== 'PK\u0003\u0004') throw notWorkbook;
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw notWorkbook;
  }
  const files = Object.values(zip.files).filter((file) => !file.dir);
  if (files.length > MAX_ENTRIES) {
    throw refused(
      'ZIP_BOMB',
      `压缩包内文件过多（${files.length}）`,
      `${files.length} parts in the archive`,
    );
  }
  if (!zip.file('[Content_Types].xml') || !zip.file('xl/workbook.xml')) throw notWorkbook;
  let inflated = 0;
  const bomb = refused(
    'ZIP_BOMB',
    `解压后超过 ${MAX_INFLATED_BYTES} 字节，已拒绝`,
    `inflates past ${MAX_INFLATED_BYTES} bytes: refused`,
  );
  for (const file of files) {
    // JSZip's stream is an old-style one (events, no async iteration): count what it inflates
    // and stop it at the limit.
    await new Promise<void>((resolve, reject) => {
      const stream = file.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
        if (inflated <= MAX_INFLATED_BYTES) return;
        stream.pause();
        stream.removeAllListeners('data');
        reject(bomb);
      });
      stream.on('end', resolve);
      stream.on('error', () => reject(notWorkbook));
    });
  }
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer (an ArrayBuffer); Node's Buffer is what it reads.
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw notWorkbook;
  }
  return workbook;
}

function refused(reason: ErrorReason<'BAD_USER_INPUT'>, zh: string, en: string): UserError {
  return new UserError('BAD_USER_INPUT', `The upload is refused: ${en}`, { reason, zh, en });
}
