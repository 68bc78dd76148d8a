import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';
import { hasFields } from './shape';

/** MikroORM's unit of work and identity map, by constructor name and by the fields that make them. */
const SHAPES: Array<{ className: string; fields: string[] }> = [
  { className: 'IdentityMap', fields: ['registry', 'defaultSchema'] },
  { className: 'UnitOfWork', fields: ['identityMap', 'persistStack', 'changeSets', 'em'] },
];

/**
 * An ORM identity map that is never cleared: a global MikroORM EntityManager used in request
 * handlers keeps every entity it ever loaded or persisted, with their change-tracking snapshots.
 */
export const identityMapDetector: Detector = {
  id: 'orm-identity-map',
  title: 'ORM identity maps that are never cleared',
  detect({ group, graph, pathNodes }) {
    const steps = group.holderPath;
    for (let i = steps.length - 1; i >= 0; i--) {
      const shape = SHAPES.find((s) => s.className === steps[i].node.className);
      if (!shape || !hasFields(graph, pathNodes[i], shape.fields)) continue;
      const entities = group.classes
        .filter((c) => !c.className.startsWith('(') && c.className !== 'Object' && c.className !== 'Map')
        .slice(0, 3);
      const names = entities.length > 0 ? entities.map((c) => c.className).join(', ') : 'entities';
      return {
        kind: 'identity-map',
        title: `MikroORM's identity map keeps every ${names} the EntityManager has seen`,
        confidence: 'high',
        explanation:
          `One EntityManager serves every request, so its unit of work and identity map gain the entities each request loads or persists ` +
          `(${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle) and are never cleared.`,
        fix: {
          id: 'orm-fork-per-request',
          summary:
            'Give each request its own EntityManager: em.fork() in the handler, or RequestContext middleware; call em.clear() between batches in long jobs.',
        },
      };
    }
    return undefined;
  },
};
