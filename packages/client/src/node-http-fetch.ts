/**
 * The client's default fetch: a `fetch` over `node:http` (protocol/http-sender.ts), for the requests the client
 * builds. It sends the Request's method, URL and headers as Node's fetch would send them (the headers in the order
 * `Headers` lists them, by name: the order the client sets them in) and resolves with a Response whose body has been
 * read; it does not follow redirects (the client asks fetch for `redirect: 'manual'` too).
 *
 * RPC requests carry their parameters in the query, so it sends no body: a Request with one is a TypeError.
 */
import { sendWithNodeHttp } from './protocol/http-sender.js';

export function nodeHttpFetch(input: Request): Promise<Response> {
  if (input.body !== null)
    return Promise.reject(
      new TypeError('nodeHttpFetch sends RPC requests, whose parameters are in the query: this request has a body'),
    );
  const headers: Record<string, string> = {};
  input.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return sendWithNodeHttp({ url: input.url, method: input.method, headers }, input.signal);
}
