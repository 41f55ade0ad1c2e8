import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { freePort } from './redis-server';

// TLS for the test's own redis-servers: a CA and a server certificate for 127.0.0.1,
// made with the openssl CLI, and a redis-server that speaks only TLS (rediss://).

export interface TestCertificates {
  dir: string;
  /** The CA that signed the server certificate: what REDIS_TLS_CA_FILE names. */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** redis-server's TLS arguments; clients need no certificate of their own. */
  serverArgs: string[];
  remove(): void;
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'luna-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=luna test CA',
  );
  openssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('server.pem'), '-days', '2', '-extfile', at('san.ext'),
  ); // prettier-ignore
  return {
    dir,
    caFile: at('ca.pem'),
    certFile: at('server.pem'),
    keyFile: at('server.key'),
    serverArgs: [
      '--tls-cert-file', at('server.pem'), '--tls-key-file', at('server.key'), '--tls-ca-cert-file', at('ca.pem'),
      '--tls-auth-clients', 'no',
    ], // prettier-ignore
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Resolves once a TLS handshake with `port` succeeds, trusting `caFile`. */
export async function tlsAnswers(port: number, caFile: string, timeoutMs = 10_000): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const ca = readFileSync(caFile);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no TLS handshake with port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface OwnTlsRedis {
  url: string;
  certificates: TestCertificates;
  stop(): Promise<void>;
}

/** A redis-server listening only on a TLS port (`--port 0`). */
export async function ownTlsRedis(): Promise<OwnTlsRedis> {
  const certificates = makeCertificates();
  const port = await freePort();
  const args = ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', [...args, ...certificates.serverArgs], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    certificates.remove();
  };
  try {
    await tlsAnswers(port, certificates.caFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `rediss://127.0.0.1:${port}`, certificates, stop };
}
