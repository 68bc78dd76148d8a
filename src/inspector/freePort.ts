import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now, for a server started next (the demo's service, a
 * test's target). Not one the OS hands out for port 0: those come from the ephemeral range, which
 * the OS also gives every outgoing connection, so one may be taken as a connection's local port
 * before the server binds it (EADDRINUSE). A random port below that range, checked free, is not.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  if (below !== undefined && below > LOWEST + 1000) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
      if (await canListen(port)) return port;
    }
  }
  return listenOn(0);
}

/** Above the ports services usually take (databases, brokers, dev servers). */
const LOWEST = 20000;

/** Linux's `ip_local_port_range` low end; undefined elsewhere. */
function ephemeralRangeStart(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : undefined;
  } catch {
    return undefined;
  }
}

function canListen(port: number): Promise<boolean> {
  return listenOn(port).then(
    () => true,
    () => false,
  );
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}
