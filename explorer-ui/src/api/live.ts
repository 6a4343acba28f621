/**
 * Live updates over GraphQL-over-SSE (the API's subscriptions): `onEvent` runs for every event of
 * the subscription, and once on each (re)connection, since events may have been missed while
 * disconnected. Returns whether the stream is up; when the server does not stream (an older API, a
 * proxy that refuses it), it is false and the caller polls instead. Reconnects with backoff.
 */
import { useEffect, useRef, useState } from "react";
import { urls } from "../urls";

/** The URL live streams use: the same endpoint, told apart from queries (tests ignore it when waiting for a quiet page). */
export const LIVE_URL = () => `${urls.graphql()}?live`;

export function useLiveEvents(subscription: string, onEvent: () => void): boolean {
  const [live, setLive] = useState(false);
  const callback = useRef(onEvent);
  callback.current = onEvent;
  useEffect(() => {
    if (typeof ReadableStream === "undefined" || typeof TextDecoderStream === "undefined") return;
    const ctrl = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async (attempt: number) => {
      try {
        const res = await fetch(LIVE_URL(), {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream" },
          body: JSON.stringify({ query: subscription }),
          signal: ctrl.signal,
        });
        if (res.status !== 200 || !res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          setLive(false);
          await res.body?.cancel().catch(() => {});
          if (res.status === 429 || res.status === 503) throw new Error("busy");
          return; // no streaming here: the caller keeps polling
        }
        setLive(true);
        callback.current();
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (/^event: next$/m.test(block)) callback.current();
          }
        }
        throw new Error("the stream ended");
      } catch {
        if (ctrl.signal.aborted) return;
        setLive(false);
        retry = setTimeout(() => void connect(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
      }
    };
    void connect(0);
    return () => {
      ctrl.abort();
      clearTimeout(retry);
    };
  }, [subscription]);
  return live;
}
