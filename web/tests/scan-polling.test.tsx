/** How often a page re-reads a file the scan is checking: soon at first, then less and less often. */
import { act, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scanLookDelay, usePolling } from "../src/pages/applications/shared";

describe("the waits between looks at a file being checked", () => {
  it("start at half a second and double up to five seconds", () => {
    expect(Array.from({ length: 7 }, (_, look) => scanLookDelay(look))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
});

function Watcher({ active, poll }: { active: boolean; poll: () => void }) {
  usePolling(active, poll);
  return null;
}

describe("usePolling with the scan's waits", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function after(ms: number) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(ms);
    });
  }

  it("looks after 0.5, 1.5, 3.5, 7.5 and 12.5 s, then every 5 s, and stops at a verdict", async () => {
    const poll = vi.fn();
    const { rerender } = render(<Watcher active={true} poll={poll} />);
    const seen: number[] = [];
    for (let second = 0.5; second <= 17.5; second += 0.5) {
      await after(500);
      if (poll.mock.calls.length > seen.length) seen.push(second);
    }
    expect(seen).toEqual([0.5, 1.5, 3.5, 7.5, 12.5, 17.5]);

    rerender(<Watcher active={false} poll={poll} />); // the verdict came
    await after(60_000);
    expect(poll).toHaveBeenCalledTimes(6);

    rerender(<Watcher active={true} poll={poll} />); // another upload: quick looks again
    await after(500);
    expect(poll).toHaveBeenCalledTimes(7);
  });
});
