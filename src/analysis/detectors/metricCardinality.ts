import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';
import { hasFields } from './shape';

/**
 * A Prometheus metric whose label values are unbounded (user ids, URLs with ids): prom-client
 * keeps one entry per label set in the metric's `hashMap`, forever. Recognised by the metric's
 * fields (hashMap, labelNames, name, help), whichever metric type it is.
 */
export const metricCardinalityDetector: Detector = {
  id: 'metric-label-cardinality',
  title: 'Metrics labelled with unbounded values',
  detect({ group, graph, pathNodes }) {
    const steps = group.holderPath;
    let map = -1;
    for (let i = steps.length - 1; i > 0 && map < 0; i--) if (steps[i].edge === 'hashMap') map = i;
    if (map < 1 || map < steps.length - 2) return undefined;
    const metric = pathNodes[map - 1];
    if (metric === undefined || !hasFields(graph, metric, ['hashMap', 'labelNames', 'name', 'help'])) return undefined;
    const metricName = graph.snapshot.nodeName(metric) === 'Object' ? steps[map - 1].edge : steps[map - 1].node.className;
    return {
      kind: 'metric-cardinality',
      title: `The ${steps[map - 1].edge} metric (${metricName}) gains a label set every request`,
      confidence: 'high',
      explanation:
        `Each new label value creates a series the metric keeps forever (${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ` +
        `${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle); a label whose values are ids or raw URLs never stops growing, in the process and in Prometheus.`,
      fix: {
        id: 'bound-label',
        summary: 'Drop the unbounded label, or bucket its values (a route template instead of the URL, a status class instead of the id).',
      },
    };
  },
};
