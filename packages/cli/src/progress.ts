const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** The stream a spinner draws on: only what `withProgress` needs, so tests can pass a fake TTY. */
export type ProgressStream = { isTTY?: boolean; write(text: string): unknown };

/**
 * Awaits `work`, drawing a spinner with `label` on stderr if it takes longer than `delayMs`.
 * Nothing is drawn when stderr is not a terminal, so piped and scripted output stays clean.
 */
export async function withProgress<T>(
  label: string,
  work: Promise<T>,
  stream: ProgressStream = process.stderr,
  delayMs = 300,
): Promise<T> {
  if (!stream.isTTY) return work;
  let frame = 0;
  let interval: NodeJS.Timeout | undefined;
  const draw = () => stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`);
  const timer = setTimeout(() => {
    draw();
    interval = setInterval(draw, 80);
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    if (interval) {
      clearInterval(interval);
      stream.write("\r\x1b[K");
    }
  }
}
