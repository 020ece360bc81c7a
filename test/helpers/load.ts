// Clients that call the server without pause until told to stop, recording every answer: what the
// reliability suite counts (requests served, requests failed, which run answered).
import { request } from './server-process.js';

export interface Served {
  status: number;
  /** The answer's body, or the network error's message when there was no answer. */
  body: any;
  /** When the request was sent and when its answer arrived (performance.now()). */
  sentAt: number;
  answeredAt: number;
}

export interface Load {
  /** Stops the clients and resolves with every answer, in the order they arrived. */
  stop: () => Promise<Served[]>;
  /** Answers so far. */
  served: Served[];
}

/** Starts `clients` loops posting `body` to `path`, each sending its next request once the last is answered. */
export function startLoad(url: string, path: string, body: unknown, clients: number): Load {
  const served: Served[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        const answer = await request(url, 'POST', path, body);
        served.push({ ...answer, sentAt, answeredAt: performance.now() });
      } catch (error) {
        served.push({ status: 0, body: (error as Error).message, sentAt, answeredAt: performance.now() });
      }
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    served,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return served;
    },
  };
}
