import type { ComponentChildren } from 'preact';

/** Names and values as a two-column table; `highlight` marks rows worth a second look. */
export function KeyValues({ caption, entries, highlight, empty = 'none' }: { caption: string; entries: ReadonlyArray<readonly [string, ComponentChildren]>; highlight?: (name: string) => boolean; empty?: string }) {
  if (entries.length === 0) return <p class="notice">{`${caption}: ${empty}`}</p>;
  return (
    <table class="key-values">
      <caption>{caption}</caption>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} class={highlight?.(name) ? 'highlight' : undefined}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
