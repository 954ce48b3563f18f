/** A Server-Sent Events client over fetch, as a consumer process would run one. */
export interface SseEvent {
  id: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Waits for `n` more events (fails after `timeoutMs`). */
  next(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Comment lines seen so far (keep-alives). */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** The consumer goes away (disconnects). */
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters) w();
    waiters = [];
  };
  let finished = false;
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id, data: data.join('\n') });
        }
        notify();
      }
    } catch {
      // Aborted by close().
    } finally {
      finished = true;
      notify();
    }
  })();
  let taken = 0;
  return {
    status: response.status,
    headers: response.headers,
    comments,
    ended,
    async next(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < taken + n) {
        if (finished) throw new Error(`stream ended after ${events.length} events, waiting for ${taken + n}`);
        if (Date.now() > deadline) throw new Error(`timed out with ${events.length} events, waiting for ${taken + n}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      const out = events.slice(taken, taken + n);
      taken += n;
      return out;
    },
    close: () => abort.abort(),
  };
}
