import { ResponseTooLargeError } from "../errors/response-too-large-error.js";

/**
 * `body` as a stream that errors with `ResponseTooLargeError` (and cancels the source, releasing the
 * connection) once more than `maxBytes` arrived, or at once when `Content-Length` already says so.
 */
export function limitedBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  declared: string | null,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
        reader.cancel().catch(() => {});
        controller.error(new ResponseTooLargeError(maxBytes));
      }
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        total += value.byteLength;
        if (total > maxBytes) {
          reader.cancel().catch(() => {});
          controller.error(new ResponseTooLargeError(maxBytes));
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
