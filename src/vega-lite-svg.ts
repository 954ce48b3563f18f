/**
 * A Vega-Lite spec as an SVG string: compiled to Vega and rendered headless (renderer 'none'
 * → toSVG), which needs neither a browser nor a native canvas. Used by the simulator's
 * report.svg and the benchmark charts.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
