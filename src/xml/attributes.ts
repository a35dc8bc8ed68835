import type { HttpMethod } from '../domain/callback.js';
import type { UrlTarget } from '../domain/instructions.js';
import type { XmlElement } from './element-tree.js';

/**
 * Typed reads of an element's checked attributes, with the dialect's default when one is absent.
 * `resolve` turns a URL as written into the one requested (LaML resolves relative URLs; Plivo's are
 * absolute already).
 */
export class ElementAttributes {
  constructor(
    private readonly element: XmlElement,
    private readonly resolve: (url: string) => string = (url) => url,
  ) {}

  text(name: string, fallback: string): string {
    return this.element.attributes[name] ?? fallback;
  }

  int(name: string, fallback: number): number {
    const value = this.element.attributes[name];
    return value === undefined ? fallback : Number(value);
  }

  flag(name: string, fallback: boolean): boolean {
    const value = this.element.attributes[name];
    return value === undefined ? fallback : value === 'true';
  }

  method(name: string): HttpMethod {
    return this.element.attributes[name] === 'GET' ? 'GET' : 'POST';
  }

  target(urlName: string, methodName: string): UrlTarget | null {
    const url = this.element.attributes[urlName];
    return url ? { url: this.resolve(url), method: this.method(methodName) } : null;
  }
}
