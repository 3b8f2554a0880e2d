import type { SpreadsheetDownloadInput, SpreadsheetFormat } from '@fulian/sdk';
import { useState } from 'preact/hooks';
import { useSession } from './session-context';
import { Problem } from './widgets';

const FORMATS: SpreadsheetFormat[] = ['XLSX', 'CSV'];

/**
 * Downloads the table a view shows as a spreadsheet: the server makes it as the caller and
 * answers a short-lived link on the same origin (docs/reporting.md), which the browser opens.
 */
export function ExportButtons({ input }: { input: Omit<SpreadsheetDownloadInput, 'format'> }) {
  const session = useSession();
  const [error, setError] = useState<unknown>(null);
  const download = async (format: SpreadsheetFormat) => {
    try {
      setError(null);
      const { spreadsheetDownload } = await session.client.spreadsheetDownload({
        input: { ...input, format },
      });
      location.assign(spreadsheetDownload.url);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div class="filters">
      {FORMATS.map((format) => (
        <button type="button" key={format} onClick={() => void download(format)}>
          导出 {format}
        </button>
      ))}
      {error ? <Problem error={error} /> : null}
    </div>
  );
}
