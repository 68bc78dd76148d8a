import * as d3 from 'd3';
import type { RetainerGraph } from '../src/panel/protocol';
import { el } from './dom';
import { formatBytes, formatNodeLabel, printable } from '../src/render/format';
import type { Query } from './rpc';

const DEPTH = 8;
const MAX_RETAINERS = 6;
const NODE_W = 200;
const NODE_H = 38;
const COL_GAP = 120;
const ROW_GAP = 14;
const PAD = 16;

type GraphNode = RetainerGraph['nodes'][number];
interface Placed {
  node: GraphNode;
  layer: number;
  x: number;
  y: number;
}

export interface RetainerGraphView {
  element: HTMLElement;
  /** Asks for the retainers of `id` and draws them; the view scrolls into sight. */
  show(id: number, label: string): void;
}

/**
 * The retainers of one object as a layered graph: the object on the left, each column one more hop
 * towards the GC roots, edges labelled with the property (or element, closure variable) that holds.
 * Enter or a click on a node shows that node's own retainers.
 */
export function createRetainerGraph(query: Query): RetainerGraphView {
  const heading = el('h2', { text: 'Retainers', attrs: { id: 'section-retainers' } });
  const note = el('p', { cls: 'graph-note', attrs: { role: 'status', 'aria-live': 'polite' } });
  const canvas = el('div', { cls: 'retainer-graph', attrs: { tabindex: -1 } });
  const fit = el('button', { cls: 'toggle', text: 'Fit to width', attrs: { type: 'button', 'aria-pressed': 'false' } });
  fit.addEventListener('click', () => {
    const on = !canvas.classList.contains('fit');
    canvas.classList.toggle('fit', on);
    fit.setAttribute('aria-pressed', String(on));
  });
  const element = el(
    'section',
    { cls: 'panel-section section-retainers', attrs: { 'aria-labelledby': 'section-retainers', hidden: true } },
    heading,
    el('div', { cls: 'graph-toolbar' }, note, fit),
    canvas,
  );
  let token = 0;

  function show(id: number, label: string): void {
    const mine = ++token;
    element.hidden = false;
    heading.textContent = `Retainers of ${label}`;
    note.textContent = 'Loading retainers…';
    canvas.replaceChildren();
    element.scrollIntoView({ block: 'nearest' });
    query('retainerGraph', { id, depth: DEPTH, maxRetainersPerNode: MAX_RETAINERS }).then(
      (graph) => {
        if (mine !== token) return;
        draw(graph);
      },
      (err: Error) => {
        if (mine !== token) return;
        note.textContent = `Could not load the retainers: ${err.message}`;
      },
    );
  }

  function draw(graph: RetainerGraph): void {
    const placed = layout(graph);
    const byId = new Map(placed.map((p) => [p.node.id, p]));
    const notes: string[] = [];
    const roots = placed.filter((p) => p.node.isGcRoot).length;
    notes.push(
      `${placed.length} ${placed.length === 1 ? 'object' : 'objects'}, ${graph.edges.length} ${graph.edges.length === 1 ? 'reference' : 'references'}` +
        (roots > 0 ? `, reaching ${roots} GC ${roots === 1 ? 'root' : 'roots'}.` : '.'),
    );
    if (graph.truncated) notes.push(`Truncated: only the first ${MAX_RETAINERS} retainers of each object, up to ${DEPTH} hops, are shown.`);
    if (graph.nodes.length <= 1 && graph.edges.length === 0) notes.push('Nothing retains this object: it is unreachable.');
    note.textContent = notes.join(' ');

    const width = PAD * 2 + (Math.max(0, ...placed.map((p) => p.layer)) + 1) * (NODE_W + COL_GAP) - COL_GAP;
    const height = PAD * 2 + Math.max(NODE_H, ...placed.map((p) => p.y + NODE_H));
    const svg = d3
      .select(canvas)
      .append('svg')
      .attr('class', 'graph-svg')
      .attr('width', width)
      .attr('height', height)
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('role', 'img')
      .attr('aria-label', `Retainer graph: ${note.textContent}`);
    const markerId = `arrow-${token}`;
    svg
      .append('defs')
      .append('marker')
      .attr('id', markerId)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 10)
      .attr('refY', 5)
      .attr('markerWidth', 7)
      .attr('markerHeight', 7)
      .attr('orient', 'auto-start-reverse')
      .append('path')
      .attr('class', 'arrow-head')
      .attr('d', 'M0,0L10,5L0,10z');

    const root = svg.append('g').attr('transform', `translate(${PAD},${PAD})`);
    const link = d3
      .linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>()
      .source((d) => d.source)
      .target((d) => d.target);
    // Only references that lead one hop towards the object; the rest (a context and the closures it
    // holds, a prototype and its constructor) are cycles among the retainers and would hide the paths.
    const edges = graph.edges.filter((e) => byId.has(e.from) && byId.has(e.to) && byId.get(e.from)!.layer > byId.get(e.to)!.layer);
    const hidden = graph.edges.length - edges.length;
    if (hidden > 0)
      note.textContent += ` ${hidden} ${hidden === 1 ? 'reference' : 'references'} among the retainers themselves (cycles) not drawn.`;
    const edgeG = root
      .append('g')
      .attr('class', 'edges')
      .selectAll('g')
      .data(edges)
      .join('g')
      .attr('class', (e) => `edge edge-${e.kind.replace(/[^a-z]/gi, '')}`);
    const ends = (e: RetainerGraph['edges'][number]) => {
      const from = byId.get(e.from)!;
      const to = byId.get(e.to)!;
      // The retainer sits to the right of what it retains; the arrow points at the retained object.
      const source: [number, number] = [from.x, from.y + NODE_H / 2];
      const target: [number, number] = [to.x + NODE_W, to.y + NODE_H / 2];
      return { source, target };
    };
    edgeG
      .append('path')
      .attr('d', (e) => link(ends(e)))
      .attr('marker-end', `url(#${markerId})`);
    edgeG
      .append('text')
      .attr('class', 'edge-label')
      .attr('text-anchor', 'middle')
      .attr('x', (e) => labelAt(ends(e))[0])
      .attr('y', (e) => labelAt(ends(e))[1] - 4)
      .text((e) => printable(e.name || `(${e.kind})`, 24))
      .append('title')
      .text((e) => `${printable(e.name, 400)} (${printable(e.kind, 40)})`);

    const nodeG = root
      .append('g')
      .attr('class', 'nodes')
      .selectAll('g')
      .data(placed)
      .join('g')
      .attr('class', (p) => `node${p.node.id === graph.rootId ? ' node-root' : ''}${p.node.isGcRoot ? ' node-gc-root' : ''}`)
      .attr('transform', (p) => `translate(${p.x},${p.y})`)
      .attr('tabindex', 0)
      .attr('role', 'button')
      .attr('aria-label', (p) => `${labelOf(p.node)}, ${formatBytes(p.node.retainedSize)} retained. Show its retainers.`);
    nodeG.append('rect').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 4);
    nodeG
      .append('text')
      .attr('class', 'node-name')
      .attr('x', 8)
      .attr('y', 15)
      .text((p) => clip(labelOf(p.node), 30));
    nodeG
      .append('text')
      .attr('class', 'node-size')
      .attr('x', 8)
      .attr('y', 30)
      .text((p) => (p.node.isGcRoot ? 'GC root' : `${formatBytes(p.node.retainedSize)} retained · ${formatBytes(p.node.selfSize)} self`));
    nodeG.append('title').text((p) => labelOf(p.node));
    nodeG.on('click', (_event, p) => {
      if (p.node.id !== graph.rootId) show(p.node.id, labelOf(p.node));
    });
    nodeG.on('keydown', (event: KeyboardEvent, p) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      if (p.node.id !== graph.rootId) show(p.node.id, labelOf(p.node));
    });

    // Start with the object in sight: the left edge, its row in the middle.
    const object = byId.get(graph.rootId);
    canvas.scrollLeft = 0;
    if (object) canvas.scrollTop = Math.max(0, PAD + object.y + NODE_H / 2 - canvas.clientHeight / 2);
  }

  return { element, show };
}

/**
 * Where an edge's label goes: a quarter of the way along its curve from the retainer, where edges
 * that converge on one object are still apart.
 */
function labelAt({ source, target }: { source: [number, number]; target: [number, number] }): [number, number] {
  const t = 0.3;
  const mx = (source[0] + target[0]) / 2;
  const a = (1 - t) ** 3;
  const b = 3 * (1 - t) ** 2 * t;
  const c = 3 * (1 - t) * t ** 2;
  const d = t ** 3;
  return [a * source[0] + b * mx + c * mx + d * target[0], a * source[1] + b * source[1] + c * target[1] + d * target[1]];
}

function labelOf(node: GraphNode): string {
  return formatNodeLabel({ id: node.id, name: node.name, className: node.className });
}

function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}

/**
 * Columns by hops from the object (breadth-first over retainers), each column ordered by where
 * the objects it retains sit, so edges mostly run straight and do not cross.
 */
function layout(graph: RetainerGraph): Placed[] {
  const retainersOf = new Map<number, number[]>();
  for (const e of graph.edges) {
    const list = retainersOf.get(e.to) ?? [];
    list.push(e.from);
    retainersOf.set(e.to, list);
  }
  const layerOf = new Map<number, number>([[graph.rootId, 0]]);
  const queue = [graph.rootId];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const from of retainersOf.get(id) ?? []) {
      if (layerOf.has(from)) continue;
      layerOf.set(from, layerOf.get(id)! + 1);
      queue.push(from);
    }
  }
  const deepest = Math.max(0, ...layerOf.values());
  const columns: GraphNode[][] = [];
  for (const node of graph.nodes) {
    const layer = layerOf.get(node.id) ?? deepest + 1;
    (columns[layer] ??= []).push(node);
  }
  const rowOf = new Map<number, number>();
  const placed: Placed[] = [];
  columns.forEach((column, layer) => {
    if (!column) return;
    if (layer > 0) {
      // Barycentre of the objects each node retains in the columns to its left.
      const retained = new Map<number, number[]>();
      for (const e of graph.edges) {
        const row = rowOf.get(e.to);
        if (row === undefined) continue;
        const list = retained.get(e.from) ?? [];
        list.push(row);
        retained.set(e.from, list);
      }
      const centre = (n: GraphNode) => {
        const rows = retained.get(n.id);
        return rows && rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
      };
      column.sort((a, b) => centre(a) - centre(b) || b.retainedSize - a.retainedSize);
    }
    column.forEach((node, row) => {
      rowOf.set(node.id, row);
      placed.push({ node, layer, x: layer * (NODE_W + COL_GAP), y: row * (NODE_H + ROW_GAP) });
    });
  });
  // Centre each column against the tallest one.
  const tallest = Math.max(...columns.map((c) => (c ? c.length : 0)));
  for (const p of placed) {
    const count = columns[p.layer].length;
    p.y += ((tallest - count) * (NODE_H + ROW_GAP)) / 2;
  }
  return placed;
}
