/**
 * The e2e tests' static server: a thin typed wrapper of scripts/static-server.mjs, the project's one server
 * implementation (also behind `npm start`). Listens on 127.0.0.1.
 */
import { startStaticServer as start } from '../../scripts/static-server.mjs';

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234, no trailing slash */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1; port 0 (the default) picks a free one. */
export function startStaticServer(dir: string, port = 0): Promise<StaticServer> {
  return start(dir, port, '127.0.0.1');
}
