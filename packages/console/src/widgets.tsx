import type { ComponentChildren } from 'preact';
import { date } from './format';
import { problem } from './words';

/** An error said in words, announced to screen readers. */
export function Problem({ error }: { error: unknown }) {
  return (
    <p class="problem" role="alert">
      {problem(error)}
    </p>
  );
}

/** A quoted sentence of a source document, with the document named. */
export function Quote({
  quote,
  document,
}: {
  quote: string | null | undefined;
  document?: { title: string; date?: string | null; publisher?: string | null } | null;
}) {
  if (!quote) return null;
  return (
    <figure class="quote">
      <blockquote>{quote}</blockquote>
      {document && (
        <figcaption>
          ——《{document.title}》{document.publisher ? `，${document.publisher}` : ''}
          {document.date ? `，${date(document.date)}` : ''}
        </figcaption>
      )}
    </figure>
  );
}

/** A table that scrolls sideways on a phone instead of overflowing the page. */
export function Table({ caption, children }: { caption: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** The year a view shows, changed by typing another. */
export function YearInput({
  year,
  onChange,
}: {
  year: string | undefined;
  onChange: (year: string) => void;
}) {
  return (
    <label>
      年度{' '}
      <input
        type="number"
        min="2000"
        max="2100"
        value={year ?? ''}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
    </label>
  );
}
