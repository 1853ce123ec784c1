/**
 * The docs' layout and colours in Chromium, measured on layout boxes and computed styles: at a phone's width (420 px)
 * and a desktop's (1400 px), in light and dark mode (the system preference Redoc follows). Each check returns the
 * problems it finds, as sentences; the test expects none.
 */
import type { Page } from 'playwright-core';

export const WIDTHS = [1400, 420] as const;
export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** The page is not wider than the window: nothing makes it scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  return scroll > client ? [`the page is ${scroll} px wide in a ${client} px window`] : [];
}

/**
 * The bar with the switches: inside the window, each label on one line, and covering nothing: the page's title and the
 * search box (where shown) start below it and are what the browser finds at their centre.
 */
export async function barProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const bar = document.querySelector('.docs-bar');
    if (!bar) return ['no .docs-bar'];
    const box = bar.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    for (const item of Array.from(bar.querySelectorAll<HTMLElement>('.docs-switch > *'))) {
      const r = item.getBoundingClientRect();
      if (r.left < -0.5 || r.right > width + 0.5)
        problems.push(`"${item.textContent}" runs off the window (${Math.round(r.left)}..${Math.round(r.right)})`);
      if (item.getClientRects().length !== 1 || r.height > 2 * parseFloat(getComputedStyle(item).lineHeight || '20'))
        problems.push(`"${item.textContent}" breaks over lines (${Math.round(r.height)} px high)`);
    }
    const targets: [string, Element | null][] = [
      ['the title', document.querySelector('#redoc h1, main h1')],
      ['the search box', document.querySelector('[data-testid="search-trigger"]')],
    ];
    for (const [name, el] of targets) {
      if (!el || !(el as HTMLElement).checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.bottom < 0 || r.top > window.innerHeight) continue;
      if (r.top < box.bottom - 0.5)
        problems.push(`${name} starts at ${Math.round(r.top)} px, under the bar (bottom ${Math.round(box.bottom)} px)`);
      const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 40), r.top + r.height / 2);
      if (hit && !el.contains(hit) && bar.contains(hit)) problems.push(`the bar covers ${name}`);
    }
    return problems;
  });
}

/**
 * Tables: each scrolls inside its own box (which stays inside the window), no cell is squeezed to a few letters, and
 * no code breaks inside (only cells marked docs-wrap, patterns, may).
 */
export async function tableProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const tables = Array.from(document.querySelectorAll<HTMLTableElement>('table.md, .docs-table table')).filter((t) =>
      t.checkVisibility(),
    );
    if (tables.length === 0) return ['no table on screen to check'];
    for (const table of tables) {
      const box = table.parentElement!;
      const name = `the table "${(table.rows[0]?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
      const overflow = getComputedStyle(box).overflowX;
      if (table.getBoundingClientRect().width > box.clientWidth + 0.5 && overflow !== 'auto' && overflow !== 'scroll')
        problems.push(`${name} is wider than its box, which does not scroll (${overflow})`);
      if (box.getBoundingClientRect().right > width + 0.5)
        problems.push(`${name}'s box ends at ${Math.round(box.getBoundingClientRect().right)} px, past the window`);
      for (const cell of Array.from(table.querySelectorAll<HTMLElement>('td'))) {
        if (cell.getBoundingClientRect().width < 48)
          problems.push(
            `${name}: a cell is ${Math.round(cell.getBoundingClientRect().width)} px wide` +
              ` ("${cell.textContent?.trim().slice(0, 20)}")`,
          );
      }
      for (const code of Array.from(table.querySelectorAll<HTMLElement>('code'))) {
        if (code.closest('.docs-wrap')) continue;
        if (code.getClientRects().length > 1) problems.push(`${name}: "${code.textContent}" breaks over lines`);
      }
    }
    return problems;
  });
}

/**
 * Text whose contrast with what is behind it is below 4.5:1 (WCAG AA), among the visible texts on screen: the colour
 * is blended over the backgrounds of its ancestors down to the page's.
 */
export async function contrastProblems(page: Page, minimum = 4.5): Promise<string[]> {
  return page.evaluate((min) => {
    type Rgba = { r: number; g: number; b: number; a: number };
    const parse = (c: string): Rgba | undefined => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return undefined;
      const p = m[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top.a + bottom.a * (1 - top.a);
      const mix = (t: number, b: number) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
      return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
    };
    const luminance = ({ r, g, b }: Rgba) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) {
          layers.push(c);
          if (c.a >= 1) break;
        }
      }
      let bg: Rgba = { r: 255, g: 255, b: 255, a: 1 };
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg;
    };
    const problems: string[] = [];
    const seen = new Set<Element>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent?.trim()) continue;
      seen.add(el);
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const box = el.getBoundingClientRect();
      if (
        box.width === 0 ||
        box.bottom < 0 ||
        box.top > window.innerHeight ||
        box.right < 0 ||
        box.left > window.innerWidth
      )
        continue;
      const bg = background(el);
      const fg = over(parse(getComputedStyle(el).color) ?? { r: 0, g: 0, b: 0, a: 1 }, bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < min)
        problems.push(
          `"${node.textContent.trim().slice(0, 40)}" (${el.tagName.toLowerCase()}) has contrast ${ratio.toFixed(2)}:1`,
        );
    }
    return problems;
  }, minimum);
}
