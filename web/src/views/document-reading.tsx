import type { DocumentElement, DocumentReading } from '../api/types.js';

/** Long <Speak> texts would push the outline's structure off the screen; the body above has them whole. */
const TEXT_SHOWN = 120;

function shortened(text: string): string {
  return text.length > TEXT_SHOWN ? `${text.slice(0, TEXT_SHOWN)}…` : text;
}

function ElementItem({ element }: { element: DocumentElement }) {
  const attributes = Object.entries(element.attributes);
  return (
    <li>
      <code class="element-tag">
        &lt;{element.name}
        {attributes.map(([name, value]) => (
          <span key={name}>
            {' '}
            <span class="element-attribute">{name}</span>="{value}"
          </span>
        ))}
        &gt;
      </code>
      {element.text && <span class="element-text"> {shortened(element.text)}</span>}
      <span class="element-place">
        {' '}
        line {element.line}, column {element.column}
      </span>
      {element.children.length > 0 && (
        <ul>
          {element.children.map((child, index) => (
            <ElementItem key={index} element={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The body's lines numbered, the one the parser stopped at marked with a caret under its column. */
function NumberedBody({ body, line, column }: { body: string; line: number; column: number }) {
  return (
    <pre class="numbered-body" data-testid="document-source">
      {body.split('\n').map((text, index) => {
        const number = index + 1;
        const here = number === line;
        return (
          <span key={number} class={here ? 'error-line' : undefined} aria-current={here ? 'location' : undefined}>
            <span class="line-number">{String(number).padStart(3)} </span>
            {text}
            {'\n'}
            {here && <span class="error-caret">{`${' '.repeat(4 + Math.max(0, column - 1))}^\n`}</span>}
          </span>
        );
      })}
    </pre>
  );
}

/**
 * A document callback's answer as hookline's own parser read it — the verdict the call acted on:
 * the elements as an outline, or the rule the document broke with its line and column.
 */
export function DocumentReadingView({ reading, body }: { reading: DocumentReading; body: string }) {
  if (!reading.ok) {
    const { error } = reading;
    return (
      <section class="document-reading" aria-label="Document as hookline read it">
        <h4>Document</h4>
        <p class="error" data-testid="document-error">
          Not a {reading.dialect} document hookline can run (rule <code>{error.rule}</code>): {error.message}
        </p>
        <NumberedBody body={body} line={error.line} column={error.column} />
      </section>
    );
  }
  return (
    <section class="document-reading" aria-label="Document as hookline read it">
      <h4>Document ({reading.dialect}, as hookline read it)</h4>
      <ul class="document-outline" data-testid="document-outline">
        <ElementItem element={reading.root} />
      </ul>
      {reading.warnings.length > 0 && (
        <ul class="warnings" aria-label="Document warnings">
          {reading.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
