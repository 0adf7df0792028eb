// Preload (`node --import ./net-trap.mjs`) that traps every outbound network attempt of a
// process: net/tls connects, DNS lookups, fetch, http(s).request. Each attempt is
// appended to $MELLM_NET_TRAP_LOG as a JSON line and fails with ECONNREFUSED, so nothing
// leaves the machine even if the code under test tries. Listening (the bridge) is allowed.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const LOG = process.env.MELLM_NET_TRAP_LOG;
if (!LOG) throw new Error('net-trap: set MELLM_NET_TRAP_LOG');

function record(api, target) {
  const stack = (new Error().stack ?? '').split('\n').slice(3, 9).map((l) => l.trim());
  appendFileSync(LOG, `${JSON.stringify({ api, target: String(target), pid: process.pid, stack })}\n`);
  return Object.assign(new Error(`net-trap: outbound ${api} to ${target} refused`), { code: 'ECONNREFUSED' });
}

const describe = (args) => {
  const [first, second] = args;
  if (first && typeof first === 'object') return first.path ?? `${first.host ?? first.hostname ?? 'localhost'}:${first.port ?? ''}`;
  return second !== undefined && typeof second !== 'function' ? `${second}:${first}` : String(first);
};

// Every TCP/IPC client connection ends in Socket.prototype.connect (net.connect,
// tls.connect, http agents); refuse it asynchronously, as a real refusal would be.
net.Socket.prototype.connect = function trappedConnect(...args) {
  const error = record('net.Socket.connect', describe(Array.isArray(args[0]) ? args[0] : args));
  process.nextTick(() => this.destroy(error));
  return this;
};
for (const name of ['connect', 'createConnection']) {
  const original = net[name];
  net[name] = function trapped(...args) {
    record(`net.${name}`, describe(args));
    return original.apply(this, args);
  };
}
const tlsConnect = tls.connect;
tls.connect = function trapped(...args) {
  record('tls.connect', describe(args));
  return tlsConnect.apply(this, args);
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const original = dns[name];
  dns[name] = function trapped(host, ...rest) {
    // An IP literal resolves to itself without a query (server.listen(port, '127.0.0.1') asks).
    if (name === 'lookup' && net.isIP(host)) return original.call(this, host, ...rest);
    const error = record(`dns.${name}`, host);
    const callback = rest.find((a) => typeof a === 'function');
    if (callback) process.nextTick(() => callback(error));
  };
  if (dns.promises[name]) dns.promises[name] = async (host) => Promise.reject(record(`dns.promises.${name}`, host));
}

for (const [label, module] of [['http', http], ['https', https]]) {
  for (const name of ['request', 'get']) {
    const original = module[name];
    module[name] = function trapped(...args) {
      const first = args[0];
      record(`${label}.${name}`, first instanceof URL ? first.href : typeof first === 'string' ? first : describe(args));
      return original.apply(this, args);
    };
  }
}

globalThis.fetch = async (input) => {
  throw record('fetch', input instanceof Request ? input.url : input);
};

// `import { request } from 'node:http'` binds named exports: push the patches into them.
syncBuiltinESMExports();
