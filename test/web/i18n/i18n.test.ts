import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../../../web/src/i18n/en';
import { ja } from '../../../web/src/i18n/ja';
import { initialLanguage, interpolate, readStoredLanguage } from '../../../web/src/i18n';
import { UNUSED_CLOUDSCAPE_COMPONENTS } from '../../../web/src/i18n/unused-cloudscape';

const src = fileURLToPath(new URL('../../../web/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** A Storage over a Map (the node environment has none). */
function memoryStorage(initial: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(initial));
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

describe('message catalogs', () => {
  it('ja has exactly the keys of en', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('every ja message keeps the placeholders of its en message', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = (Object.keys(en) as (keyof typeof en)[]).filter(
      (key) => placeholders(en[key]).join() !== placeholders(ja[key]).join(),
    );
    expect(differing).toEqual([]);
  });

  it('no message is empty and ja is actually translated', () => {
    expect(Object.values(en).filter((m) => m.trim() === '')).toEqual([]);
    expect(Object.values(ja).filter((m) => m.trim() === '')).toEqual([]);
    const japanese = Object.values(ja).filter((m) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(m));
    expect(japanese.length / Object.values(ja).length).toBeGreaterThan(0.9);
  });

  it('every key used with t() exists (a typo would also fail the type check)', () => {
    const used = new Set<string>();
    for (const file of sources(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1] ?? '');
    }
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  it('no source imports a Cloudscape component whose strings the build leaves out', () => {
    const offenders = sources(src).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/@cloudscape-design\/components\/([\w-]+)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => UNUSED_CLOUDSCAPE_COMPONENTS.includes(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('language choice', () => {
  it('reads only a valid stored language', () => {
    expect(readStoredLanguage(memoryStorage({ 'team.language': 'ja' }))).toBe('ja');
    expect(readStoredLanguage(memoryStorage({ 'team.language': 'fr' }))).toBeUndefined();
    expect(readStoredLanguage(memoryStorage({ 'team.language': '<script>' }))).toBeUndefined();
  });

  it('prefers the stored language, then the browser, then English', () => {
    expect(initialLanguage(memoryStorage({ 'team.language': 'en' }), ['ja-JP'])).toBe('en');
    expect(initialLanguage(memoryStorage(), ['ja-JP', 'en-US'])).toBe('ja');
    expect(initialLanguage(memoryStorage(), ['de-DE'])).toBe('en');
  });

  it('interpolates placeholders and leaves unknown ones', () => {
    expect(interpolate('Ends in {time}', { time: '5 min' })).toBe('Ends in 5 min');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
